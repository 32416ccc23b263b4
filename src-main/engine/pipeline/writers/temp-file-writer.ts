/**
 * What every output writer shares: the writer interface, its context, and the temporary-file
 * discipline (hidden temporary file in the destination folder, renamed into place only by
 * `commit`, so a failure or cancel never leaves a partial output).
 */
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { link, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { UnclipError } from '../../errors'
import type { EncodedStrip } from '../../parallel/strip-work'
import type { OutputFormat, RgbImage, StageTimings, ToneMapSettings } from '../../types'

/** One output file being produced. */
export interface OutputWriter {
  readonly format: OutputFormat
  readonly finalPath: string
  readonly tempPath: string
  /**
   * Consumes the next strip of rows (strips arrive top to bottom, full width). `encoded` carries
   * this writer's encoding of the strip when it was made elsewhere (a worker thread); writers
   * whose encoding is absent make it themselves.
   */
  add(strip: RgbImage, encoded?: EncodedStrip): Promise<void>
  /** Completes the temporary file. */
  finish(): Promise<void>
  /** Moves the completed temporary file onto `finalPath`. */
  commit(): Promise<void>
  /** Closes and deletes the temporary file; safe to call at any point, more than once. */
  discard(): Promise<void>
}

/**
 * One conversion's shared writer settings. Writers created with the same context object also
 * share one full-image buffer (EXR, Ultra HDR), so create one context per image.
 */
export interface WriterContext {
  width: number
  height: number
  tonemap: ToneMapSettings
  /** The input's raw EXIF as sharp returns it; each writer prepares its own copy. */
  exif?: Buffer
  /** Copy the EXIF GPS block (and EXR location attributes); off unless the user asked. */
  keepGps?: boolean
  /** Replace an existing file at `finalPath`; otherwise `commit` never replaces one, even one that appeared during the conversion. */
  overwrite?: boolean
  /** Stage timings, added to by every writer. */
  timings: StageTimings
}

/**
 * Temporary name for `finalPath`: hidden, in the same folder (so the rename is atomic), unique
 * per process and call.
 * @returns Absolute temporary path.
 */
export function tempPathFor(finalPath: string): string {
  return path.join(
    path.dirname(finalPath),
    `.${path.basename(finalPath)}.unclip-tmp-${process.pid}-${randomBytes(4).toString('hex')}`
  )
}

/** Adds the time since `started` to one stage. */
export function addTime(timings: StageTimings, stage: keyof StageTimings, started: number): void {
  timings[stage] = (timings[stage] ?? 0) + (performance.now() - started)
}

/** Owns the temporary file: `commit` renames it into place, `discard` removes it. */
export abstract class TempFileWriter {
  readonly tempPath: string
  protected created = false

  constructor(
    readonly finalPath: string,
    protected readonly context: WriterContext
  ) {
    this.tempPath = tempPathFor(finalPath)
  }

  async commit(): Promise<void> {
    const started = performance.now()
    if (this.context.overwrite) await rename(this.tempPath, this.finalPath)
    else await this.commitWithoutReplacing()
    this.created = false
    addTime(this.context.timings, 'write', started)
  }

  /**
   * A hard link fails atomically if the target exists, so a file that appeared after the
   * up-front check (another app, a second batch) is never replaced. File systems without hard
   * links (FAT, some network shares) fall back to check-then-rename.
   */
  private async commitWithoutReplacing(): Promise<void> {
    try {
      await link(this.tempPath, this.finalPath)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EEXIST') throw outputExists(this.finalPath)
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EXDEV') throw error
      if (existsSync(this.finalPath)) throw outputExists(this.finalPath)
      await rename(this.tempPath, this.finalPath)
      return
    }
    await rm(this.tempPath, { force: true })
  }

  async discard(): Promise<void> {
    await this.close()
    if (this.created) await rm(this.tempPath, { force: true })
    this.created = false
  }

  /** Writes a whole encoded file to the temporary path (for formats encoded in memory at `finish`). */
  protected async writeTemp(bytes: Buffer): Promise<void> {
    const started = performance.now()
    this.created = true
    await writeFile(this.tempPath, bytes, { flag: 'wx' })
    addTime(this.context.timings, 'write', started)
  }

  protected async close(): Promise<void> {}
}

function outputExists(file: string): UnclipError {
  return new UnclipError('OUTPUT_EXISTS', `Output already exists: ${file} (use --overwrite to replace it)`)
}
