/**
 * The files a photo editor handed to the app (command line, "Open with", a second instance, macOS
 * open-file): the only files Save and Return replaces without asking, because replacing them is what
 * the editor launched the app for. Kept by identity (device and inode), so another path to the same
 * file is the same file, and a file put in its place later is not.
 */
import { statSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { identityOf } from '../engine/pipeline/writers/file-commit'

export class HandedFiles {
  readonly #ids = new Set<string>()

  /** Records a handed file; a missing file or a folder records nothing. */
  add(path: string): void {
    try {
      const stats = statSync(path)
      if (stats.isFile()) this.#ids.add(identityOf(stats))
    } catch {
      // Nothing there to hand back.
    }
  }

  /** True when the file now at `path` is one that was handed over. */
  async has(path: string): Promise<boolean> {
    const stats = await stat(path).catch(() => undefined)
    return stats !== undefined && this.#ids.has(identityOf(stats))
  }
}
