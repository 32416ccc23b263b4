/**
 * TIFF writer for the round trip with photo editors: 16-bit tone-mapped RGB (`tif16`) and 32-bit
 * floating-point linear RGB (`tif32`, what Lightroom, Camera Raw, Photoshop, Affinity, GIMP and
 * darktable edit as HDR), deflate-compressed with the predictors Photoshop uses, with an ICC profile,
 * XMP and the photo's EXIF (IFD0 tags, the Exif IFD and, when kept, the GPS IFD).
 *
 * Written as a stream: `header()` first, then each strip (`deflateTiffRows`, worker-safe) in order,
 * recorded with `addStrip`, then `finish()`'s trailer (the IFDs), and finally `finish()`'s header again
 * at file offset 0, which now points at IFD0. So memory stays one strip, whatever the image size.
 */
import { deflateTiffRows, type TiffSampleType } from './tiff-strip'
import {
  ifdPointer,
  openTiff,
  stripExifHeader,
  tiffHeader,
  writeIfds,
  type IfdEntry,
  type IfdToWrite
} from './tiff-ifd'

export interface TiffImageOptions {
  width: number
  height: number
  sampleType: TiffSampleType
  /** ICC profile to embed (tag 34675). */
  icc?: Buffer
  /** EXIF as `prepareExif` returns it (`Exif\0\0` + TIFF); its byte order becomes the file's. */
  exif?: Buffer
  /** XMP packet (tag 700). */
  xmp?: Buffer
  software?: string
  /** Rows per strip; default: about 256 KiB of samples per strip. */
  rowsPerStrip?: number
}

const TAG = {
  width: 256,
  height: 257,
  bitsPerSample: 258,
  compression: 259,
  photometric: 262,
  stripOffsets: 273,
  orientation: 274,
  samplesPerPixel: 277,
  rowsPerStrip: 278,
  stripByteCounts: 279,
  xResolution: 282,
  yResolution: 283,
  planar: 284,
  resolutionUnit: 296,
  software: 305,
  predictor: 317,
  sampleFormat: 339,
  xmp: 700,
  exifIfd: 0x8769,
  gpsIfd: 0x8825,
  icc: 34675
} as const
/** IFD0 tags copied from the photo's EXIF (description, camera, dates, authorship); the rest describe its pixels. */
const COPIED_IFD0_TAGS = new Set([0x010e, 0x010f, 0x0110, 0x0131, 0x0132, 0x013b, 0x8298])
const TYPE = { byte: 1, ascii: 2, short: 3, long: 4, rational: 5, undefined: 7 } as const
const COMPRESSION_DEFLATE = 8
const PHOTOMETRIC_RGB = 2
const PREDICTOR = { uint8: 2, uint16: 2, float32: 3 } as const
const SAMPLE_FORMAT = { uint8: 1, uint16: 1, float32: 3 } as const
const BITS = { uint8: 8, uint16: 16, float32: 32 } as const
const STRIP_TARGET_BYTES = 256 * 1024
/** Classic TIFF addresses its file with 32-bit offsets. */
const MAX_TIFF_BYTES = 2 ** 32 - 1

export class TiffEncoder {
  readonly rowsPerStrip: number
  readonly littleEndian: boolean
  readonly #options: TiffImageOptions
  readonly #strips: number[] = []
  #written = 8

  constructor(options: TiffImageOptions) {
    const { width, height } = options
    if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0))
      throw new RangeError(`TIFF size must be positive integers, got ${width}x${height}`)
    this.#options = options
    const rowBytes = width * 3 * (BITS[options.sampleType] / 8)
    this.rowsPerStrip = options.rowsPerStrip ?? Math.max(1, Math.min(height, Math.floor(STRIP_TARGET_BYTES / rowBytes)))
    const exif = options.exif ? openTiff(stripExifHeader(options.exif)) : undefined
    this.littleEndian = exif?.littleEndian ?? true
  }

  /** Number of strips the image is cut into; strip `i` holds rows `i * rowsPerStrip` onwards. */
  get stripCount(): number {
    return Math.ceil(this.#options.height / this.rowsPerStrip)
  }

  /** The first 8 bytes of the file; its IFD offset is a placeholder until `finish()`. */
  header(): Buffer {
    return tiffHeader(this.littleEndian, 0)
  }

  /** Deflates the rows of one strip (for writers that do not use worker threads). */
  encodeStrip(rows: Uint8Array | Uint16Array | Float32Array): Uint8Array {
    return deflateTiffRows(rows, this.#options.width, this.littleEndian)
  }

  /** Records the next strip, written right after the previous one. */
  addStrip(byteLength: number): void {
    if (this.#strips.length >= this.stripCount) throw new RangeError('more strips than the image has rows for')
    this.#strips.push(byteLength)
    this.#written += byteLength
  }

  /**
   * @returns `trailer` to append after the last strip, and the final `header` to write at offset 0.
   * @throws RangeError when strips are missing or the file would exceed classic TIFF's 4 GiB.
   */
  finish(): { trailer: Buffer; header: Buffer } {
    if (this.#strips.length !== this.stripCount)
      throw new RangeError(`${this.#strips.length} of ${this.stripCount} strips were written`)
    const base = this.#written + (this.#written & 1) // IFDs start on a word boundary
    const pad = Buffer.alloc(base - this.#written)
    const ifds = this.#ifds()
    const trailer = Buffer.concat([pad, writeIfds(this.littleEndian, ifds, base)])
    if (base + trailer.length > MAX_TIFF_BYTES) throw new RangeError('image too large for a classic TIFF (4 GiB)')
    return { trailer, header: tiffHeader(this.littleEndian, base) }
  }

  /**
   * The whole file in memory, for small images and tests.
   * @param samples Interleaved RGB samples of the whole image.
   */
  static encode(options: TiffImageOptions, samples: Uint8Array | Uint16Array | Float32Array): Buffer {
    const encoder = new TiffEncoder(options)
    const rowSamples = options.width * 3
    const parts: Uint8Array[] = [encoder.header()]
    for (let row = 0; row < options.height; row += encoder.rowsPerStrip) {
      const end = Math.min(options.height, row + encoder.rowsPerStrip)
      const strip = encoder.encodeStrip(samples.subarray(row * rowSamples, end * rowSamples))
      encoder.addStrip(strip.length)
      parts.push(strip)
    }
    const { trailer, header } = encoder.finish()
    const file = Buffer.concat([...parts, trailer])
    header.copy(file, 0)
    return file
  }

  #ifds(): IfdToWrite[] {
    const o = this.#options
    const e = new EntryMaker(this.littleEndian)
    let offset = 8
    const offsets = this.#strips.map((length) => ((offset += length), offset - length))
    const root: IfdToWrite = {
      entries: [
        e.long(TAG.width, [o.width]),
        e.long(TAG.height, [o.height]),
        e.short(TAG.bitsPerSample, [BITS[o.sampleType], BITS[o.sampleType], BITS[o.sampleType]]),
        e.short(TAG.compression, [COMPRESSION_DEFLATE]),
        e.short(TAG.photometric, [PHOTOMETRIC_RGB]),
        e.long(TAG.stripOffsets, offsets),
        e.short(TAG.orientation, [1]),
        e.short(TAG.samplesPerPixel, [3]),
        e.long(TAG.rowsPerStrip, [this.rowsPerStrip]),
        e.long(TAG.stripByteCounts, this.#strips),
        e.rational(TAG.xResolution, 72),
        e.rational(TAG.yResolution, 72),
        e.short(TAG.planar, [1]),
        e.short(TAG.resolutionUnit, [2]),
        e.short(TAG.predictor, [PREDICTOR[o.sampleType]]),
        e.short(TAG.sampleFormat, [SAMPLE_FORMAT[o.sampleType]])
      ],
      children: new Map()
    }
    if (o.software) root.entries.push(e.ascii(TAG.software, o.software))
    if (o.xmp) root.entries.push({ tag: TAG.xmp, type: TYPE.byte, count: o.xmp.length, value: o.xmp })
    if (o.icc) root.entries.push({ tag: TAG.icc, type: TYPE.undefined, count: o.icc.length, value: o.icc })
    const ifds = [root]
    const exif = o.exif ? openTiff(stripExifHeader(o.exif)) : undefined
    if (!exif) return ifds
    const source = exif.readIfd(exif.firstIfd)
    root.entries.push(...source.filter((entry) => COPIED_IFD0_TAGS.has(entry.tag) && entry.tag !== TAG.software))
    for (const tag of [TAG.exifIfd, TAG.gpsIfd]) {
      const at = ifdPointer(source, tag, exif.littleEndian)
      if (at === undefined) continue
      root.entries.push(e.long(tag, [0]))
      root.children?.set(tag, ifds.length)
      ifds.push({ entries: exif.readIfd(at) })
    }
    return ifds
  }
}

/** IFD entries with values in the file's byte order. */
class EntryMaker {
  constructor(private readonly le: boolean) {}

  short(tag: number, values: number[]): IfdEntry {
    const value = Buffer.alloc(2 * values.length)
    values.forEach((v, i) => (this.le ? value.writeUInt16LE(v, 2 * i) : value.writeUInt16BE(v, 2 * i)))
    return { tag, type: TYPE.short, count: values.length, value }
  }

  long(tag: number, values: number[]): IfdEntry {
    const value = Buffer.alloc(4 * values.length)
    values.forEach((v, i) => (this.le ? value.writeUInt32LE(v, 4 * i) : value.writeUInt32BE(v, 4 * i)))
    return { tag, type: TYPE.long, count: values.length, value }
  }

  rational(tag: number, numerator: number): IfdEntry {
    return { ...this.long(tag, [numerator, 1]), type: TYPE.rational, count: 1 }
  }

  ascii(tag: number, text: string): IfdEntry {
    const value = Buffer.from(`${text}\0`, 'latin1')
    return { tag, type: TYPE.ascii, count: value.length, value }
  }
}
