/** The file name of a path, on either platform's separators. */
export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path
}
