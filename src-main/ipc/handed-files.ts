/**
 * The files a photo editor handed to the app (command line, "Open with", a second instance, macOS
 * open-file): the only files Save and Return replaces without asking, because replacing them is what
 * the editor launched the app for. Kept by resolved path and identity (device and inode) together: a
 * link to a handed file is the same file, a file moved into its place later is not, and file systems
 * that report no inode numbers cannot make two paths look alike.
 */
import { realpathSync, statSync } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import { identityOf } from '../engine/pipeline/writers/file-commit'

export class HandedFiles {
  /**
   * Resolved path → identity of the file handed over there. A TypeScript private, not `#files`: the
   * security linter cannot parse # fields, and this class is in the main process's bundle.
   */
  private readonly files = new Map<string, string>()

  /** Records a handed file; a missing file or a folder records nothing. */
  add(path: string): void {
    try {
      const stats = statSync(path)
      if (stats.isFile()) this.files.set(realpathSync(path), identityOf(stats))
    } catch {
      // Nothing there to hand back.
    }
  }

  /** True when the file now at `path` is the one that was handed over there. */
  async has(path: string): Promise<boolean> {
    const [real, stats] = await Promise.all([realpath(path).catch(() => undefined), stat(path).catch(() => undefined)])
    return real !== undefined && stats !== undefined && this.files.get(real) === identityOf(stats)
  }
}
