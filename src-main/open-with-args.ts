/**
 * Files the app was asked to open: from the command line (Windows/Linux "Open with", a second
 * instance) — macOS delivers them through `open-file` instead.
 */
import { statSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'

/**
 * Picks the existing files and folders out of an argv, skipping the executable, the app path and
 * Chromium/Electron switches.
 * @param argv - `process.argv` or the second instance's argv
 * @param cwd - the directory relative arguments resolve against
 * @param skip - how many leading entries are not user arguments (1 packaged, 2 in development)
 * @returns absolute paths that exist
 * @example filesFromArgv(['/opt/Unclip/unclip', '--no-sandbox', 'photo.jpg'], '/home/me', 1) // ['/home/me/photo.jpg']
 */
export function filesFromArgv(argv: readonly string[], cwd: string, skip: number): string[] {
  const paths: string[] = []
  for (const arg of argv.slice(skip)) {
    if (arg.startsWith('-') || arg.length === 0) continue
    const path = isAbsolute(arg) ? resolve(arg) : resolve(cwd, arg)
    try {
      const stats = statSync(path)
      if (stats.isFile() || stats.isDirectory()) paths.push(path)
    } catch {
      // Not a path (e.g. a protocol argument); ignore.
    }
  }
  return paths
}
