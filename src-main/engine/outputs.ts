/**
 * Output writers fed strip by strip: Radiance `.hdr` streamed straight to disk, PNG (8/16-bit)
 * tone-mapped per strip and encoded with sharp at the end, with the input's EXIF and an sRGB ICC
 * profile. Each writes to a hidden temporary file in the destination folder and is renamed into
 * place only by `commit`, so a failure or cancel never leaves a partial output.
 */
import { randomBytes } from 'node:crypto'
import { open, rename, rm, writeFile, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import sharp from 'sharp'
import { insertExifIntoPng, prepareExif } from './exif'
import { createRadianceEncoder, type RadianceEncoder } from './radiance'
import { toneMapImage } from './tonemap'
import type { OutputFormat, RgbImage, StageTimings, ToneMapSettings } from './types'

/** One output file being produced. */
export interface OutputWriter {
  readonly format: OutputFormat
  readonly finalPath: string
  readonly tempPath: string
  /** Consumes the next strip of rows (strips arrive top to bottom, full width). */
  add(strip: RgbImage): Promise<void>
  /** Completes the temporary file. */
  finish(): Promise<void>
  /** Moves the completed temporary file onto `finalPath`. */
  commit(): Promise<void>
  /** Closes and deletes the temporary file; safe to call at any point, more than once. */
  discard(): Promise<void>
}

export interface WriterContext {
  width: number
  height: number
  tonemap: ToneMapSettings
  exif?: Buffer
  /** Stage timings, added to by every writer. */
  timings: StageTimings
}

/**
 * Temporary name for `finalPath`: hidden, in the same folder (so the rename is atomic), unique
 * per process and call.
 * @returns Absolute temporary path.
 */
export function tempPathFor(finalPath: string): string {
  return path.join(path.dirname(finalPath), `.${path.basename(finalPath)}.unclip-tmp-${process.pid}-${randomBytes(4).toString('hex')}`)
}

/**
 * Creates the writer for one format.
 * @param format Output format.
 * @param finalPath Where the file ends up.
 * @param context Image size, tone mapping, EXIF and the timings to add to.
 * @returns A writer whose temporary file is created on the first `add` (HDR) or at `finish` (PNG).
 */
export function createOutputWriter(format: OutputFormat, finalPath: string, context: WriterContext): OutputWriter {
  return format === 'hdr' ? new RadianceWriter(finalPath, context) : new PngWriter(format, finalPath, context)
}

function addTime(timings: StageTimings, stage: keyof StageTimings, started: number): void {
  timings[stage] = (timings[stage] ?? 0) + (performance.now() - started)
}

abstract class TempFileWriter {
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
    await rename(this.tempPath, this.finalPath)
    this.created = false
    addTime(this.context.timings, 'write', started)
  }

  async discard(): Promise<void> {
    await this.close()
    if (this.created) await rm(this.tempPath, { force: true })
    this.created = false
  }

  protected async close(): Promise<void> {}
}

class RadianceWriter extends TempFileWriter implements OutputWriter {
  readonly format = 'hdr' as const
  private readonly encoder: RadianceEncoder
  private handle: FileHandle | undefined

  constructor(finalPath: string, context: WriterContext) {
    super(finalPath, context)
    this.encoder = createRadianceEncoder(context.width, context.height)
  }

  async add(strip: RgbImage): Promise<void> {
    if (!this.handle) {
      this.created = true
      this.handle = await open(this.tempPath, 'wx')
      await this.handle.write(this.encoder.header)
    }
    let started = performance.now()
    const bytes = this.encoder.encodeRows(strip.data)
    addTime(this.context.timings, 'hdrEncode', started)
    started = performance.now()
    await this.handle.write(bytes)
    addTime(this.context.timings, 'write', started)
  }

  async finish(): Promise<void> {
    const started = performance.now()
    await this.close()
    addTime(this.context.timings, 'write', started)
  }

  protected override async close(): Promise<void> {
    const handle = this.handle
    this.handle = undefined
    await handle?.close()
  }
}

class PngWriter extends TempFileWriter implements OutputWriter {
  private readonly bits: 8 | 16
  private readonly pixels: Uint8Array | Uint16Array
  private offset = 0

  constructor(
    readonly format: 'png' | 'png16',
    finalPath: string,
    context: WriterContext
  ) {
    super(finalPath, context)
    this.bits = format === 'png16' ? 16 : 8
    const length = context.width * context.height * 3
    this.pixels = this.bits === 16 ? new Uint16Array(length) : new Uint8Array(length)
  }

  async add(strip: RgbImage): Promise<void> {
    const started = performance.now()
    const mapped = toneMapImage(strip, this.context.tonemap, this.bits)
    this.pixels.set(mapped, this.offset)
    this.offset += mapped.length
    addTime(this.context.timings, 'pngEncode', started)
  }

  async finish(): Promise<void> {
    let started = performance.now()
    const { width, height, exif } = this.context
    let pipeline = sharp(this.pixels, { raw: { width, height, channels: 3 }, limitInputPixels: false })
    if (this.bits === 16) pipeline = pipeline.toColourspace('rgb16')
    let png = await pipeline.withIccProfile('srgb').png({ compressionLevel: 6 }).toBuffer()
    // GPS stays out unless asked for: location is private, and nothing here asks yet.
    const prepared = prepareExif(exif, { keepGps: false })
    if (prepared) png = insertExifIntoPng(png, prepared)
    addTime(this.context.timings, 'pngEncode', started)
    started = performance.now()
    this.created = true
    await writeFile(this.tempPath, png, { flag: 'wx' })
    addTime(this.context.timings, 'write', started)
  }
}
