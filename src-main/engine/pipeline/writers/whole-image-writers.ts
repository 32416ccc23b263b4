/**
 * Outputs that need the whole HDR image before they can encode: OpenEXR (`encodeExr` takes a
 * complete image; its ZIP blocks could stream, but its header's chunk-offset table precedes
 * them) and Ultra HDR (the gain map's range and the JPEGs are computed over the whole picture).
 *
 * Memory: strips are gathered into one Float32 buffer, 12 bytes a pixel (1.2 GB at 100 MP), shared
 * by both formats when both are asked for; encoding then adds roughly the EXR file (~6 bytes a
 * pixel before compression) or the SDR base and its decoded copy (~6 bytes a pixel). The other
 * formats stream and stay within a few bytes a pixel, so images above `MAX_FULL_IMAGE_PIXELS`
 * are refused for these two only.
 */
import { FORMATS, MAX_FULL_IMAGE_PIXELS } from '../../domain/formats'
import { UnclipError } from '../../errors'
import { prepareExif } from '../../codecs/exif'
import { encodeExr } from '../../codecs/exr-encoder'
import { exrAttributesFromExif } from '../../codecs/exr-metadata'
import { addTime, TempFileWriter, type OutputWriter, type WriterContext } from './temp-file-writer'
import { toneMapImage } from '../../imaging/tonemap'
import type { RgbImage } from '../../types'
import { encodeUltraHdr } from '../../codecs/ultrahdr/ultrahdr'

/** One buffer per writer context, so EXR and Ultra HDR of the same conversion share it. */
const buffers = new WeakMap<WriterContext, FullImage>()

/**
 * Creates an EXR or Ultra HDR writer.
 * @param format `exr` or `jpg-hdr`.
 * @param finalPath Where the file ends up.
 * @param context The conversion's context; writers with the same context share the image buffer.
 * @returns A writer that creates its temporary file at `finish`.
 * @throws UnclipError `TOO_LARGE` above `MAX_FULL_IMAGE_PIXELS`, before anything is allocated.
 */
export function createFullImageWriter(
  format: 'exr' | 'jpg-hdr',
  finalPath: string,
  context: WriterContext
): OutputWriter {
  const { width, height } = context
  if (width * height > MAX_FULL_IMAGE_PIXELS) {
    const mp = (n: number): string => `${Math.round(n / 1e5) / 10} MP`
    throw new UnclipError(
      'TOO_LARGE',
      `Image is too large for ${FORMATS[format].name} export: ${width}×${height} (${mp(width * height)}); the limit is ${mp(MAX_FULL_IMAGE_PIXELS)}. Export .hdr, PNG or JPEG instead, which are written strip by strip`
    )
  }
  let buffer = buffers.get(context)
  if (!buffer) {
    buffer = new FullImage(width, height)
    buffers.set(context, buffer)
  }
  return format === 'exr' ? new ExrWriter(finalPath, context, buffer) : new UltraHdrWriter(finalPath, context, buffer)
}

/** The whole image, assembled from strips that every sharing writer hands in. */
class FullImage {
  private data: Float32Array | undefined
  /** Rows held so far, from the top. */
  private rows = 0

  constructor(
    readonly width: number,
    readonly height: number
  ) {}

  /** Takes rows `y …` of `strip`; rows already taken (from a sibling writer) are skipped. */
  add(strip: RgbImage, y: number): void {
    if (y < this.rows) return
    if (y !== this.rows || strip.width !== this.width || y + strip.height > this.height) {
      throw new UnclipError(
        'INTERNAL',
        `Unexpected strip: rows ${y}–${y + strip.height} of ${this.width}×${this.height}, expected row ${this.rows}`
      )
    }
    if (y === 0 && strip.height === this.height) {
      // A caller holding the whole image already (the app's export) is not copied: strips are
      // read-only to writers, and after the last strip nothing reuses its buffer.
      this.data = strip.data
    } else {
      this.data ??= new Float32Array(this.width * this.height * 3)
      this.data.set(strip.data, y * this.width * 3)
    }
    this.rows = y + strip.height
  }

  /** @throws UnclipError `INTERNAL` if strips are missing. */
  image(): RgbImage {
    if (!this.data || this.rows !== this.height) {
      throw new UnclipError('INTERNAL', `Unexpected end of image: ${this.rows} of ${this.height} rows received`)
    }
    return { width: this.width, height: this.height, data: this.data }
  }
}

abstract class FullImageWriter extends TempFileWriter implements OutputWriter {
  abstract readonly format: 'exr' | 'jpg-hdr'
  protected abstract readonly stage: 'exrEncode' | 'jpegEncode'
  private y = 0

  constructor(
    finalPath: string,
    context: WriterContext,
    private readonly buffer: FullImage
  ) {
    super(finalPath, context)
  }

  async add(strip: RgbImage): Promise<void> {
    const started = performance.now()
    this.buffer.add(strip, this.y)
    this.y += strip.height
    addTime(this.context.timings, this.stage, started)
  }

  async finish(): Promise<void> {
    const started = performance.now()
    const bytes = await this.encode(
      this.buffer.image(),
      prepareExif(this.context.exif, { keepGps: this.context.keepGps ?? false })
    )
    addTime(this.context.timings, this.stage, started)
    await this.writeTemp(bytes)
  }

  protected abstract encode(image: RgbImage, exif: Buffer | undefined): Promise<Buffer>
}

/** Half-float RGB, ZIP, with the EXIF's camera, lens, exposure and date as string attributes. */
class ExrWriter extends FullImageWriter {
  readonly format = 'exr' as const
  protected readonly stage = 'exrEncode' as const

  protected async encode(image: RgbImage, exif: Buffer | undefined): Promise<Buffer> {
    return encodeExr(image, { compression: 'zip', attributes: exrAttributesFromExif(exif) })
  }
}

/** Gain-map JPEG whose SDR base uses the conversion's tone mapping, with EXIF and sRGB ICC. */
class UltraHdrWriter extends FullImageWriter {
  readonly format = 'jpg-hdr' as const
  protected readonly stage = 'jpegEncode' as const

  protected async encode(image: RgbImage, exif: Buffer | undefined): Promise<Buffer> {
    const sdr = toneMapImage(image, this.context.tonemap, 8) as Uint8Array
    return encodeUltraHdr(image, { sdr, exif })
  }
}
