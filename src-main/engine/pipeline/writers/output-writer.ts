/**
 * Output writers fed strip by strip. Radiance `.hdr` streams straight to disk; PNG (8/16-bit) is
 * tone-mapped and compressed per strip on the thread pool (`png-encoder.ts`); JPEG is tone-mapped per
 * strip and encoded with sharp at the end; both carry the input's EXIF and an sRGB ICC profile; TIFF
 * streams strip by strip (`tiff-writer.ts`); EXR and Ultra HDR JPEG need the whole float image
 * (`whole-image-writers.ts`). Every writer goes through a temporary file (`temp-file-writer.ts`, `file-commit.ts`).
 */
import { open, type FileHandle } from 'node:fs/promises'
import sharp from 'sharp'
import { insertExifIntoJpeg, prepareExif } from '../../codecs/exif'
import { createFullImageWriter } from './whole-image-writers'
import { TiffWriter } from './tiff-writer'
import { addTime, TempFileWriter, type OutputWriter, type WriterContext } from './temp-file-writer'
import { createPngEncoder, srgbIccProfile, type PngEncoder } from '../../codecs/png-encoder'
import { createRadianceEncoder, type RadianceEncoder } from '../../codecs/radiance-encoder'
import type { EncodedStrip } from '../../parallel/strip-work'
import { toneMapImage } from '../../imaging/tonemap'
import { JPEG_QUALITY as JPEG_QUALITY_LIMITS } from '../../domain/formats'
import type { OutputFormat, RgbImage } from '../../types'

export type { OutputWriter, WriterContext } from './temp-file-writer'

/** JPEG quality of the Ultra HDR base image and the plain `jpg` output's default. */
export const JPEG_QUALITY = JPEG_QUALITY_LIMITS.default

/**
 * Creates the writer for one format.
 * @param format Output format.
 * @param finalPath Where the file ends up.
 * @param context Image size, tone mapping, EXIF, `keepGps` and the timings to add to. `exr` and
 *   `jpg-hdr` writers made with the same context share one full-size float buffer (12 bytes a
 *   pixel: 1.2 GB at 100 MP), the only outputs that hold the whole image in memory.
 * @returns A writer whose temporary file is created on the first `add` (HDR) or at `finish` (others).
 * @throws UnclipError `TOO_LARGE` for `exr` or `jpg-hdr` above `MAX_FULL_IMAGE_PIXELS`.
 */
export function createOutputWriter(format: OutputFormat, finalPath: string, context: WriterContext): OutputWriter {
  switch (format) {
    case 'hdr':
      return new RadianceWriter(finalPath, context)
    case 'png':
    case 'png16':
      return new PngWriter(format, finalPath, context)
    case 'jpg':
      return new JpegWriter(finalPath, context)
    case 'exr':
    case 'jpg-hdr':
      return createFullImageWriter(format, finalPath, context)
    case 'tif16':
    case 'tif32':
      return new TiffWriter(format, finalPath, context)
  }
}

/** Encoded strips waiting for the disk before the writer holds up the next strip (~1.5 MB each at 12 MP). */
const MAX_QUEUED_WRITES = 8

class RadianceWriter extends TempFileWriter implements OutputWriter {
  readonly format = 'hdr' as const
  private readonly encoder: RadianceEncoder
  private handle: FileHandle | undefined
  /** Writes queue up behind each other instead of holding up the next strip; `finish` waits for them. */
  private writing: Promise<void> = Promise.resolve()
  private queued = 0

  constructor(finalPath: string, context: WriterContext) {
    super(finalPath, context)
    this.encoder = createRadianceEncoder(context.width, context.height)
  }

  async add(strip: RgbImage, encoded?: EncodedStrip): Promise<void> {
    if (!this.handle) {
      this.claimTemp()
      this.handle = await open(this.tempPath, 'wx')
      await this.handle.write(this.encoder.header)
    }
    const started = performance.now()
    const bytes = encoded?.rgbe ?? this.encoder.encodeRows(strip.data)
    addTime(this.context.timings, 'hdrEncode', started)
    const handle = this.handle
    this.queued++
    this.writing = this.writing.then(async () => {
      const writeStarted = performance.now()
      await handle.write(bytes)
      this.queued--
      addTime(this.context.timings, 'write', writeStarted)
    })
    // Handled here so a failed write waits for `finish` (which rethrows it) instead of crashing the process.
    this.writing.catch(() => undefined)
    // A disk slower than the strips would otherwise hold the whole file in memory.
    if (this.queued > MAX_QUEUED_WRITES) await this.writing
  }

  async finish(): Promise<void> {
    const started = performance.now()
    await this.writing
    await this.close()
    addTime(this.context.timings, 'write', started)
  }

  protected override async close(): Promise<void> {
    const handle = this.handle
    this.handle = undefined
    await this.writing.catch(() => undefined)
    await handle?.close()
  }
}

/** Tone-mapped PNG (8/16-bit): each strip is compressed while the next one is computed. */
class PngWriter extends TempFileWriter implements OutputWriter {
  private readonly bits: 8 | 16
  private encoder: PngEncoder | undefined

  constructor(
    readonly format: 'png' | 'png16',
    finalPath: string,
    context: WriterContext
  ) {
    super(finalPath, context)
    this.bits = format === 'png16' ? 16 : 8
  }

  async add(strip: RgbImage, encoded?: EncodedStrip): Promise<void> {
    const started = performance.now()
    this.encoder ??= createPngEncoder(this.context.width, this.context.height, this.bits, {
      iccProfile: await srgbIccProfile(),
      exif: prepareExif(this.context.exif, { keepGps: this.context.keepGps ?? false })
    })
    const segment = encoded?.png[this.bits]
    if (segment) this.encoder.addSegment(segment)
    else this.encoder.addRows(toneMapImage(strip, this.context.tonemap, this.bits))
    addTime(this.context.timings, 'pngEncode', started)
  }

  async finish(): Promise<void> {
    const started = performance.now()
    if (!this.encoder) throw new RangeError(`Expected ${this.context.height} rows but received 0`)
    const bytes = await this.encoder.finish()
    addTime(this.context.timings, 'pngEncode', started)
    await this.writeTemp(bytes)
  }
}

/** Tone-mapped 8-bit JPEG: strips become samples, encoded once at `finish`. */
class JpegWriter extends TempFileWriter implements OutputWriter {
  readonly format = 'jpg' as const
  private readonly pixels: Uint8Array
  private offset = 0

  constructor(finalPath: string, context: WriterContext) {
    super(finalPath, context)
    this.pixels = new Uint8Array(context.width * context.height * 3)
  }

  async add(strip: RgbImage): Promise<void> {
    const started = performance.now()
    const mapped = toneMapImage(strip, this.context.tonemap, 8)
    this.pixels.set(mapped, this.offset)
    this.offset += mapped.length
    addTime(this.context.timings, 'jpegEncode', started)
  }

  async finish(): Promise<void> {
    const started = performance.now()
    const { width, height, exif, keepGps } = this.context
    let bytes: Buffer = await sharp(this.pixels, { raw: { width, height, channels: 3 }, limitInputPixels: false })
      .withIccProfile('srgb')
      .jpeg({ quality: this.context.jpegQuality ?? JPEG_QUALITY, chromaSubsampling: '4:4:4' })
      .toBuffer()
    const prepared = prepareExif(exif, { keepGps: keepGps ?? false })
    if (prepared) bytes = insertExifIntoJpeg(bytes, prepared)
    addTime(this.context.timings, 'jpegEncode', started)
    await this.writeTemp(bytes)
  }
}
