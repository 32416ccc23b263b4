let counter = 0

/**
 * A job id unique within this window's lifetime; the main process only needs it to be unique
 * among running jobs.
 * @param kind Prefix that makes ids readable in logs (`convert`, `batch`).
 */
export function newJobId(kind: string): string {
  counter += 1
  return `${kind}-${Date.now().toString(36)}-${counter}`
}
