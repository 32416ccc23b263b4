/**
 * Reads a photo into 8- or 16-bit sRGB samples (and, on demand, their float copy): orientation
 * applied, embedded ICC profile converted to sRGB, grey/CMYK/palette made RGB, alpha flattened,
 * first frame of animations and multi-page files. A photo in a wide-gamut matrix/TRC space also keeps
 * its pixels in its own colour space (`decode-source-colour.ts`).
 */
import { constants } from 'node:fs'
import { access, open, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import sharp, { type Metadata, type OutputInfo, type Sharp } from 'sharp'
import { UnclipError } from '../errors'
import { readError } from '../fs-errors'
import { sampleUnit } from '../imaging/samples'
import { srgbCopy } from '../imaging/source-colour'
import { decodeSourceColour, ownProfile, type SourceColourOutput } from './decode-source-colour'
import type { DecodedImage, RgbImage, RgbSamples, SourceMetadata } from '../types'

/** A decoded photo, plus (wide-gamut photos only) its pixels and profile in its own space for handing TIFFs back. */
export interface DecodedPhoto extends DecodedImage {
  /**
   * The decoded 8- or 16-bit samples. `image`, their float copy (four times the memory, ~0.2 s to
   * make at 12 MP), is made on its first read: the app opens and converts a photo from these alone.
   */
  samples: RgbSamples
  sourceColour?: SourceColourOutput
  /** The model's reduced copy, when `DecodeOptions.reducedSize` asked for one. */
  reduced?: RgbImage
}

/** Default pixel limit: larger than any camera's output, small enough that decoding fits in memory. */
export const DEFAULT_MAX_PIXELS = 200_000_000

export interface DecodeOptions {
  /** Refuse images with more pixels than this, before decoding them. */
  maxPixels?: number
  /**
   * Also decode a reduced copy, in parallel with the full one (JPEGs shrink while decoding, so it
   * costs a fraction of the full decode): called with the oriented full size, returns the size
   * wanted, or undefined for none. Catmull-Rom ('cubic') after libvips' box shrink: of sharp's
   * kernels the closest to an area average on a 12 MP photo (0.83/255 mean difference, clipped
   * samples within 2 %; 'linear' blurs highlights: 7 % fewer clipped).
   */
  reducedSize?: (width: number, height: number) => { width: number; height: number } | undefined
  /**
   * Return the samples in shared memory (one copy, made here so the decoder's buffer can be freed
   * at once): worker threads then read them without copies.
   */
  shared?: boolean
}

/** Camera raw extensions: sharp would read only the small preview embedded in these TIFF containers. */
const CAMERA_RAW = new Set([
  '.dng',
  '.cr2',
  '.cr3',
  '.nef',
  '.nrw',
  '.arw',
  '.srf',
  '.sr2',
  '.raf',
  '.orf',
  '.rw2',
  '.pef',
  '.srw',
  '.x3f',
  '.3fr',
  '.iiq',
  '.erf',
  '.mrw',
  '.kdc',
  '.dcr'
])

/** Formats sharp reads whose pixels are photos. SVG is vector art (and would be rasterised at an arbitrary size). */
const SUPPORTED = new Set(['jpeg', 'png', 'webp', 'tiff', 'heif', 'gif', 'avif', 'vips'])

/**
 * Decodes an image file for the engine: its sRGB samples, and their float copy made when first read.
 *
 * Transparent pixels are flattened onto black: a white matte would look like clipped highlight to
 * the model and be inflated into a glowing background, whereas black is zero radiance — what
 * "nothing there" means in a linear HDR file, which has no alpha channel.
 *
 * @param filePath Absolute path of the image.
 * @param options `maxPixels` limit (default 200 MP).
 * @returns The samples, `image` (sRGB-encoded RGB in [0,1], 8- or 16-bit precision as the source has,
 *   made on first read) and metadata.
 * @throws UnclipError `FILE_NOT_FOUND`, `NOT_AN_IMAGE`, `UNSUPPORTED_FORMAT`, `CORRUPT_IMAGE`, `TOO_LARGE`.
 * @example
 * const { image, metadata } = await decodeImage('/photos/beach.jpg')
 */
export async function decodeImage(filePath: string, options: DecodeOptions = {}): Promise<DecodedPhoto> {
  const { samples, metadata, sourceColour, reduced } = await decodeSamples(filePath, options)
  let image: RgbImage | undefined
  return {
    samples,
    get image() {
      return (image ??= samplesToImage(samples))
    },
    metadata,
    ...(sourceColour ? { sourceColour } : {}),
    ...(reduced ? { reduced } : {})
  }
}

/**
 * Decodes like `decodeImage`, the samples alone (a quarter of the floats' memory for 8-bit sources);
 * `convertFile` uses this so big photos never exist as full-size floats.
 * @param filePath Absolute path of the image.
 * @param options `maxPixels` limit (default 200 MP).
 * @returns 8- or 16-bit sRGB samples (16 when the source has more than 8 bits), metadata, and the
 *   reduced copy as floats in [0,1] when `options.reducedSize` asked for one.
 * @throws UnclipError as `decodeImage`.
 */
export async function decodeSamples(
  filePath: string,
  options: DecodeOptions = {}
): Promise<{ samples: RgbSamples; metadata: SourceMetadata; reduced?: RgbImage; sourceColour?: SourceColourOutput }> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS
  await assertReadableFile(filePath)
  if (CAMERA_RAW.has(path.extname(filePath).toLowerCase())) {
    throw new UnclipError(
      'UNSUPPORTED_FORMAT',
      `Camera raw files are not supported: ${filePath} (export it as a 16-bit TIFF or PNG first)`
    )
  }
  const sniffed = await sniff(filePath)
  if (sniffed)
    throw new UnclipError(
      'UNSUPPORTED_FORMAT',
      `Unsupported format: ${filePath} is ${sniffed} (convert it to JPEG, PNG or TIFF first)`
    )

  let meta: Metadata
  try {
    meta = await sharp(filePath, { limitInputPixels: false }).metadata()
  } catch (error) {
    throw new UnclipError('NOT_AN_IMAGE', `Not an image, or a format Unclip cannot read: ${filePath}`, { cause: error })
  }
  if (!SUPPORTED.has(meta.format)) {
    throw new UnclipError(
      'UNSUPPORTED_FORMAT',
      `Unsupported format: ${filePath} is ${meta.format.toUpperCase()} (convert it to JPEG, PNG or TIFF first)`
    )
  }
  const { width, height } = meta
  if (width * height > maxPixels) {
    const mp = (n: number): string => `${Math.round(n / 1e5) / 10} MP`
    throw new UnclipError(
      'TOO_LARGE',
      `Image is too large: ${filePath} is ${width}×${height} (${mp(width * height)}); the limit is ${mp(maxPixels)}`
    )
  }
  const sixteenBit = meta.depth !== 'uchar' && meta.depth !== 'char'
  // Float photos (an HDR TIFF handed over again) keep the sRGB path: their values are not encoded by the curve.
  const profile = meta.depth === 'float' || meta.depth === 'double' ? undefined : ownProfile(meta.icc)
  if (profile) {
    // The sRGB copy is made from the photo's own samples (exact, and consistent with the hand-back).
    const sourceColour = await decodeSourceColour(filePath, profile, sixteenBit).catch((error: unknown) => {
      throw decodeError(filePath, meta, error)
    })
    const samples = srgbCopy(sourceColour.colour, options.shared)
    return { samples, metadata: await metadataOf(filePath, meta, samples, sixteenBit), sourceColour }
  }
  const swapped = (meta.orientation ?? 1) >= 5
  const reducedSize = options.reducedSize?.(swapped ? height : width, swapped ? width : height)
  let raw: { data: Buffer; info: OutputInfo }
  let reduced: RgbImage | undefined
  try {
    const full = pixelPipeline(filePath, sixteenBit).toBuffer({ resolveWithObject: true })
    const small = reducedSize
      ? pixelPipeline(filePath, sixteenBit, (image) =>
          image.resize(reducedSize.width, reducedSize.height, { fit: 'fill', kernel: 'cubic' })
        ).toBuffer({
          resolveWithObject: true
        })
      : undefined
    const [fullResult, smallResult] = await Promise.all([full, small])
    raw = fullResult
    if (smallResult && smallResult.info.channels === 3)
      reduced = samplesToImage(toSamples(smallResult.data, smallResult.info, sixteenBit))
  } catch (error) {
    throw decodeError(filePath, meta, error)
  }
  const { info } = raw
  if (info.channels !== 3)
    throw new UnclipError('INTERNAL', `Unexpected error: decoded ${info.channels} channels from ${filePath}`)
  return {
    samples: toSamples(options.shared ? shareBytes(raw.data) : raw.data, info, sixteenBit),
    ...(reduced ? { reduced } : {}),
    metadata: await metadataOf(filePath, meta, info, sixteenBit)
  }
}

async function metadataOf(
  filePath: string,
  meta: Metadata,
  size: { width: number; height: number },
  sixteenBit: boolean
): Promise<SourceMetadata> {
  return {
    bitsPerSample: sixteenBit ? 16 : 8,
    exif: meta.exif ?? (meta.format === 'tiff' ? await tiffOwnTags(filePath) : undefined),
    format: meta.format,
    width: size.width,
    height: size.height,
    hadIccProfile: meta.icc !== undefined
  }
}

/** Larger TIFFs keep no metadata rather than being read into memory a second time. */
const TIFF_TAGS_READ_LIMIT = 512 * 2 ** 20

/**
 * A TIFF keeps its camera tags in its own IFD0 and Exif IFD, which sharp does not report as `exif`;
 * the file itself is that structure, and `prepareExif` keeps what is worth keeping from it. This is
 * how an editor's "Edit In" TIFF comes back with its metadata.
 */
async function tiffOwnTags(filePath: string): Promise<Buffer | undefined> {
  const { size } = await stat(filePath)
  return size <= TIFF_TAGS_READ_LIMIT ? readFile(filePath) : undefined
}

/** Oriented, flattened, sRGB pixels: the one pipeline both the full and the reduced decode use. */
function pixelPipeline(
  filePath: string,
  sixteenBit: boolean,
  resize: (image: Sharp) => Sharp = (image) => image
): Sharp {
  const oriented = sharp(filePath, { limitInputPixels: false, failOn: 'error' }).rotate()
  return resize(oriented)
    .flatten({ background: { r: 0, g: 0, b: 0 } })
    .toColourspace(sixteenBit ? 'rgb16' : 'srgb')
    .raw({ depth: sixteenBit ? 'ushort' : 'uchar' })
}

function shareBytes(data: Buffer): Uint8Array {
  const shared = new Uint8Array(new SharedArrayBuffer(data.length))
  shared.set(data)
  return shared
}

function toSamples(data: Uint8Array, info: OutputInfo, sixteenBit: boolean): RgbSamples {
  return { width: info.width, height: info.height, bits: sixteenBit ? 16 : 8, data: sixteenBit ? asUint16(data) : data }
}

/**
 * Integer samples as float sRGB values in [0,1].
 * @param samples 8- or 16-bit samples.
 * @returns A new float image of the same size.
 */
export function samplesToImage(samples: RgbSamples): RgbImage {
  const { data } = samples
  const out = new Float32Array(data.length)
  const scale = sampleUnit(data)
  for (let i = 0; i < data.length; i++) out[i] = data[i] * scale
  return { width: samples.width, height: samples.height, data: out }
}

async function assertReadableFile(filePath: string): Promise<void> {
  try {
    const info = await stat(filePath)
    if (!info.isFile())
      throw new UnclipError('NOT_AN_IMAGE', `Not an image, or a format Unclip cannot read: ${filePath}`)
    // Permission problems are told as such, not as "not an image" from the decoder.
    await access(filePath, constants.R_OK)
  } catch (error) {
    throw readError(error, filePath)
  }
}

/** Names formats recognisable from their first bytes that Unclip deliberately does not read. */
async function sniff(filePath: string): Promise<string | undefined> {
  const handle = await open(filePath, 'r')
  try {
    const head = Buffer.alloc(512)
    const { bytesRead } = await handle.read(head, 0, head.length, 0)
    const bytes = head.subarray(0, bytesRead)
    const text = bytes.toString('latin1')
    if (text.startsWith('%PDF')) return 'a PDF document'
    if (/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg|<svg)/i.test(text)) return 'an SVG vector image'
    if (text.startsWith('#?RADIANCE') || text.startsWith('#?RGBE')) return 'already an HDR (Radiance) image'
    if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x762f3101) return 'already an HDR (OpenEXR) image'
    if (text.startsWith('\xff\x0a') || text.slice(4, 12) === 'JXL \r\n\x87\n') return 'JPEG XL'
    if (text.slice(4, 12) === 'jP  \r\n\x87\n' || text.startsWith('\xff\x4f\xff\x51')) return 'JPEG 2000'
    return undefined
  } finally {
    await handle.close()
  }
}

function decodeError(filePath: string, meta: Metadata, error: unknown): UnclipError {
  const message = error instanceof Error ? error.message : String(error)
  // sharp's prebuilt libheif decodes AVIF only (HEVC is patent-encumbered), so iPhone HEIC fails here.
  if (
    meta.format === 'heif' &&
    (meta.compression === 'hevc' || /compression format|not been built|unsupported codec|No decoder/i.test(message))
  ) {
    return new UnclipError(
      'UNSUPPORTED_FORMAT',
      `Unsupported format: ${filePath} is HEIC (HEVC); this build reads AVIF but not HEVC (convert it to JPEG first)`,
      { cause: error }
    )
  }
  return new UnclipError('CORRUPT_IMAGE', `Image is corrupt or truncated: ${filePath}`, { cause: error })
}

function asUint16(data: Uint8Array): Uint16Array {
  // A Uint16Array view needs an even byte offset; copy in the rare case sharp's buffer has none.
  const bytes = data.byteOffset % 2 === 0 ? data : new Uint8Array(data)
  return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2)
}
