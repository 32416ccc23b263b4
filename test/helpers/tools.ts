import { execFileSync } from 'node:child_process'

/**
 * Whether an independent command-line tool is installed (tests that need it skip otherwise; CI
 * installs them).
 * @param command Program name on PATH, e.g. `exiftool`.
 * @param args Arguments of a cheap call that succeeds when the tool works, e.g. `['-ver']`.
 */
export function hasTool(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}
