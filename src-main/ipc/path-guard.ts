/**
 * Which paths the renderer may name. The renderer is treated as untrusted: it can only read or write
 * where the user pointed — files and folders from a native dialog, a real drag-and-drop, the command
 * line / macOS open-file, and the chosen output folder — plus outputs the app itself wrote.
 *
 * Paths are compared after `path.resolve` (no `..` escapes). Symlinks inside a granted folder are
 * followed as the user's own file system choices; the guard is about what the page may ask for, not
 * a sandbox against the user.
 */
import { homedir } from 'node:os'
import { dirname, resolve, sep } from 'node:path'
import { ShellError } from './app-error'

/** `file`: that path only. `tree`: the folder and everything under it. */
export type GrantScope = 'file' | 'tree'

export interface PathGuard {
  /**
   * Records a user-chosen path (from a dialog, a real drop, the command line).
   * @throws {ShellError} PATH_NOT_ALLOWED for a file-system root or the home folder itself: a
   *   whole disk or home is never handed to the page, whatever the user dropped.
   */
  grant(path: string, scope: GrantScope): void
  /** True when `path` is a granted file or lies in a granted tree. */
  allows(path: string): boolean
  /**
   * Returns the resolved path or throws `PATH_NOT_ALLOWED`.
   * @param name - the argument's name, for the message
   */
  check(path: string, name: string): string
}

/**
 * True for paths never granted: a file-system root (`/`, `C:\\`) or the home folder itself.
 * @param home - the user's home folder (`os.homedir()`)
 */
export function isTooBroad(path: string, home: string = homedir()): boolean {
  const resolved = resolve(path)
  return dirname(resolved) === resolved || resolved === resolve(home)
}

/**
 * Builds an empty guard; nothing is allowed until granted.
 * @param home - the home folder never granted as a whole (`os.homedir()` by default)
 */
export function createPathGuard(home: string = homedir()): PathGuard {
  const files = new Set<string>()
  const trees = new Set<string>()

  const inTree = (path: string): boolean => {
    for (const root of trees) {
      if (path === root || path.startsWith(root.endsWith(sep) ? root : root + sep)) return true
    }
    return false
  }

  const allows = (path: string): boolean => {
    const resolved = resolve(path)
    return files.has(resolved) || inTree(resolved)
  }

  return {
    grant(path, scope) {
      const resolved = resolve(path)
      if (isTooBroad(resolved, home))
        throw new ShellError(
          'PATH_NOT_ALLOWED',
          `Unclip does not open ${resolved} as a whole; choose a folder inside it.`
        )
      if (scope === 'file') files.add(resolved)
      else trees.add(resolved)
    },
    allows,
    check(path, name) {
      const resolved = resolve(path)
      if (!allows(resolved)) {
        throw new ShellError(
          'PATH_NOT_ALLOWED',
          `Not allowed to access ${name} "${resolved}": open it with the Open dialog or drop it on the window first.`
        )
      }
      return resolved
    }
  }
}
