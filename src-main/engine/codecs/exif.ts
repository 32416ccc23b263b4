/**
 * EXIF carried from the input photo to the outputs. A small TIFF reader/rewriter rather than
 * sharp's `withExif`, which only takes string values and cannot copy the source's rationals,
 * byte arrays or GPS block as they are.
 *
 * `prepareExif` rebuilds the TIFF structure from IFD0, the Exif IFD and (optionally) the GPS IFD,
 * in the source's byte order with each value's bytes copied unchanged. It drops what would be
 * wrong or dangling in a re-encoded file: the thumbnail (IFD1), the MakerNote (its private
 * offsets break once moved), the Interoperability IFD, image-structure tags (size, compression,
 * strips, tiles, YCbCr layout), embedded ICC/XMP copies and pixel dimensions. Orientation becomes
 * 1 because the engine has already rotated the pixels, and ColorSpace becomes 1 (sRGB) because
 * decoded images are converted to sRGB.
 */
import { UnclipError } from '../errors'
import {
  EXIF_HEADER,
  ifdPointer,
  openTiff,
  stripExifHeader,
  tiffHeader,
  writeIfds,
  type IfdEntry,
  type IfdToWrite
} from './tiff-ifd'

/** Largest payload one JPEG APP1 segment holds (65535 minus the 2-byte length). */
const MAX_APP1_PAYLOAD = 65533

const TAG_ORIENTATION = 0x0112
const TAG_EXIF_IFD = 0x8769
const TAG_GPS_IFD = 0x8825
const TAG_COLOR_SPACE = 0xa001

/** Tags never copied: they describe the source file's layout or point at data that is not copied. */
const DROPPED_TAGS = new Set([
  0x0100,
  0x0101,
  0x0102,
  0x0103,
  0x0106,
  0x0111,
  0x0115,
  0x0116,
  0x0117,
  0x011c, // image structure, strips
  0x0142,
  0x0143,
  0x0144,
  0x0145,
  0x014a, // tiles, SubIFDs
  0x0201,
  0x0202,
  0x0211,
  0x0212,
  0x0213, // JPEG thumbnail pointer, YCbCr layout
  0x02bc,
  0x8773, // XMP and ICC copies inside EXIF (the outputs carry their own)
  0x927c,
  0xa005, // MakerNote, Interoperability IFD
  0xa002,
  0xa003, // PixelXDimension, PixelYDimension
  0xc634,
  0xea1c,
  0xea1d // DNG private data, Microsoft padding and offset schema
])

/**
 * Builds the EXIF block the outputs carry (see the module comment for what is kept).
 * @param raw EXIF as sharp's `metadata().exif` gives it (`Exif\0\0` + TIFF) or bare TIFF; may be undefined.
 * @param options `keepGps`: copy the GPS IFD (location is private, so callers default to false).
 * @returns `Exif\0\0` + TIFF in the source's byte order, or undefined when there is no EXIF, it is
 *   corrupt, nothing worth keeping remains, or it would not fit one JPEG APP1 segment. Never
 *   throws: a photo with broken metadata is still converted, just without it.
 * @example
 * const exif = prepareExif((await sharp(input).metadata()).exif, { keepGps: false })
 */
export function prepareExif(raw: Buffer | undefined, options: { keepGps: boolean }): Buffer | undefined {
  if (!raw) return undefined
  try {
    return rebuild(stripExifHeader(raw), options.keepGps)
  } catch {
    return undefined
  }
}

/**
 * Puts EXIF into a JPEG as the APP1 segment right after SOI (after a JFIF APP0 if there is one),
 * replacing any EXIF APP1 already there.
 * @param jpeg A JPEG file.
 * @param exif `Exif\0\0` + TIFF or bare TIFF (e.g. `prepareExif`'s result).
 * @returns A new JPEG file.
 * @throws UnclipError `INVALID_ARGUMENT` when `jpeg` does not start with SOI, its segments are
 *   malformed, or the EXIF is larger than one APP1 segment.
 * @example writeFile(out, insertExifIntoJpeg(jpeg, exif))
 */
export function insertExifIntoJpeg(jpeg: Buffer, exif: Buffer): Buffer {
  const payload = Buffer.concat([EXIF_HEADER, stripExifHeader(exif)])
  if (payload.length > MAX_APP1_PAYLOAD) {
    throw invalid(`Expected EXIF of at most ${MAX_APP1_PAYLOAD} bytes but received ${payload.length}`)
  }
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw invalid('Expected a JPEG file starting with SOI')
  const segment = Buffer.alloc(4)
  segment.writeUInt16BE(0xffe1, 0)
  segment.writeUInt16BE(payload.length + 2, 2)
  const parts: Buffer[] = [jpeg.subarray(0, 2)]
  let inserted = false
  let pos = 2
  while (pos + 4 <= jpeg.length && jpeg[pos] === 0xff) {
    const marker = jpeg[pos + 1]
    // Only APPn and COM segments can hold metadata; the tables and scan that follow are copied as they are.
    if (marker < 0xe0 || (marker > 0xef && marker !== 0xfe)) break
    const length = jpeg.readUInt16BE(pos + 2)
    if (length < 2 || pos + 2 + length > jpeg.length) throw invalid('Expected well-formed JPEG segments')
    if (marker !== 0xe0 && !inserted) {
      parts.push(segment, payload)
      inserted = true
    }
    const isExif = marker === 0xe1 && jpeg.subarray(pos + 4, pos + 10).equals(EXIF_HEADER)
    if (!isExif) parts.push(jpeg.subarray(pos, pos + 2 + length))
    pos += 2 + length
  }
  if (!inserted) parts.push(segment, payload)
  parts.push(jpeg.subarray(pos))
  return Buffer.concat(parts)
}

/** Reads IFD0, the Exif IFD and the GPS IFD and writes them back (see the module comment). */
function rebuild(tiff: Buffer, keepGps: boolean): Buffer | undefined {
  // Reads past the end throw RangeError, which prepareExif turns into "no EXIF".
  const reader = openTiff(tiff)
  if (!reader) return undefined
  const { littleEndian: le, readIfd } = reader
  const one = Buffer.alloc(2)
  if (le) one.writeUInt16LE(1)
  else one.writeUInt16BE(1)
  const keep = (entries: IfdEntry[]): IfdEntry[] =>
    entries
      .filter((e) => !DROPPED_TAGS.has(e.tag) && e.tag !== TAG_EXIF_IFD && e.tag !== TAG_GPS_IFD)
      .map((e) =>
        e.tag === TAG_ORIENTATION || e.tag === TAG_COLOR_SPACE ? { tag: e.tag, type: 3, count: 1, value: one } : e
      )

  const ifd0Raw = readIfd(reader.firstIfd)
  const exifOffset = ifdPointer(ifd0Raw, TAG_EXIF_IFD, le)
  const gpsOffset = keepGps ? ifdPointer(ifd0Raw, TAG_GPS_IFD, le) : undefined
  const ifd0 = keep(ifd0Raw)
  const exifIfd = exifOffset === undefined ? [] : keep(readIfd(exifOffset))
  const gpsIfd = gpsOffset === undefined ? [] : readIfd(gpsOffset)
  if (ifd0.length + exifIfd.length + gpsIfd.length === 0) return undefined

  const result = Buffer.concat([EXIF_HEADER, writeTiff(le, ifd0, exifIfd, gpsIfd)])
  return result.length <= MAX_APP1_PAYLOAD ? result : undefined
}

/** Header, then IFD0, the Exif IFD and the GPS IFD, each followed by its out-of-line values. */
function writeTiff(le: boolean, ifd0: IfdEntry[], exifIfd: IfdEntry[], gpsIfd: IfdEntry[]): Buffer {
  const pointerEntry = (tag: number): IfdEntry => ({ tag, type: 4, count: 1, value: Buffer.alloc(4) })
  const root: IfdToWrite = { entries: [...ifd0], children: new Map() }
  const ifds = [root]
  for (const [tag, entries] of [
    [TAG_EXIF_IFD, exifIfd],
    [TAG_GPS_IFD, gpsIfd]
  ] as const) {
    if (entries.length === 0) continue
    root.entries.push(pointerEntry(tag))
    root.children?.set(tag, ifds.length)
    ifds.push({ entries })
  }
  // The next-IFD link stays 0: IFD1 (the thumbnail) is not written.
  return Buffer.concat([tiffHeader(le, 8), writeIfds(le, ifds, 8)])
}

function invalid(message: string): UnclipError {
  return new UnclipError('INVALID_ARGUMENT', message)
}
