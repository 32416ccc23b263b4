/**
 * What every output writer shares: the writer interface, its context, and its temporary file
 * (`file-commit.ts`: registered before its first byte, committed with the photo's other outputs,
 * so a failure or cancel never leaves a partial output).
 */
import { writeFile } from 'node:fs/promises'
import { commitFiles, registerTemp, removeTemp, tempPathFor, type ProtectedFiles } from './file-commit'
import type { EncodedStrip } from '../../parallel/strip-work'
import type { SourceColourOutput } from '../decode-source-colour'
import type { OutputFormat, PixelSource, RgbImage, StageTimings, ToneMapSettings } from '../../types'

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
  /** Moves the completed temporary file onto `finalPath` (alone; a photo's outputs go through `commitFiles` together). */
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
  /** Quality of the plain `jpg` output (`JPEG_QUALITY` in domain/formats.ts); its default when omitted. */
  jpegQuality?: number
  /** Replace an existing file at `finalPath`; otherwise `commit` never replaces one, even one that appeared during the conversion. */
  overwrite?: boolean
  /** Files this run must never replace, by identity (its inputs and earlier outputs). */
  protect?: ProtectedFiles
  /**
   * TIFF outputs only: the photo's own colour space and pixels, and the sRGB copy the model saw, so
   * the TIFF comes back in the photo's space (`imaging/source-colour.ts`); sRGB without it.
   */
  sourceColour?: SourceColourOutput & { input: PixelSource }
  /** The tone-mapped TIFF's bits per sample: 8 for an 8-bit original handed back in place; default 16. */
  tiffBits?: 8 | 16
  /** Stage timings, added to by every writer. */
  timings: StageTimings
}

/** Adds the time since `started` to one stage. */
export function addTime(timings: StageTimings, stage: keyof StageTimings, started: number): void {
  timings[stage] = (timings[stage] ?? 0) + (performance.now() - started)
}

/** Owns the temporary file: `commit` moves it into place, `discard` removes it. */
export abstract class TempFileWriter {
  readonly tempPath: string

  constructor(
    readonly finalPath: string,
    protected readonly context: WriterContext
  ) {
    this.tempPath = tempPathFor(finalPath)
  }

  async commit(): Promise<void> {
    const started = performance.now()
    await commitFiles([this], this.context)
    addTime(this.context.timings, 'write', started)
  }

  async discard(): Promise<void> {
    await this.close()
    await removeTemp(this.tempPath)
  }

  /** Call before the temporary file's first byte is written (see `registerTemp`). */
  protected claimTemp(): void {
    registerTemp(this.tempPath)
  }

  /** Writes a whole encoded file to the temporary path (for formats encoded in memory at `finish`). */
  protected async writeTemp(bytes: Buffer): Promise<void> {
    const started = performance.now()
    this.claimTemp()
    await writeFile(this.tempPath, bytes, { flag: 'wx' })
    addTime(this.context.timings, 'write', started)
  }

  protected async close(): Promise<void> {}
}
