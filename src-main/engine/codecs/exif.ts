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
import { crc32 } from 'node:zlib'
import { UnclipError } from '../errors'

const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1')
/** Largest payload one JPEG APP1 segment holds (65535 minus the 2-byte length). */
const MAX_APP1_PAYLOAD = 65533
const MAX_IFD_ENTRIES = 1000

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

/** Bytes per value of each TIFF field type (1 BYTE … 13 IFD); 0 marks an unknown type. */
const TYPE_SIZES = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4]

interface Entry {
  tag: number
  type: number
  count: number
  /** The value's bytes in the source byte order. */
  value: Buffer
}

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

/**
 * Puts EXIF into a PNG as an `eXIf` chunk before the first IDAT, replacing any `eXIf` already there.
 * @param png A PNG file.
 * @param exif `Exif\0\0` + TIFF or bare TIFF; the chunk stores the bare TIFF as the PNG spec requires.
 * @returns A new PNG file.
 * @throws UnclipError `INVALID_ARGUMENT` when `png` lacks the PNG signature or has no IDAT chunk.
 * @example writeFile(out, insertExifIntoPng(png, exif))
 */
export function insertExifIntoPng(png: Buffer, exif: Buffer): Buffer {
  if (png.length < 8 || !png.subarray(0, 8).equals(PNG_SIGNATURE))
    throw invalid('Expected a PNG file starting with the PNG signature')
  const tiff = stripExifHeader(exif)
  const chunk = Buffer.alloc(12 + tiff.length)
  chunk.writeUInt32BE(tiff.length, 0)
  chunk.write('eXIf', 4, 'latin1')
  tiff.copy(chunk, 8)
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + tiff.length)), 8 + tiff.length)

  const parts: Buffer[] = [png.subarray(0, 8)]
  let pos = 8
  while (pos + 12 <= png.length) {
    const end = pos + 12 + png.readUInt32BE(pos)
    if (end > png.length) break
    const type = png.toString('latin1', pos + 4, pos + 8)
    if (type === 'IDAT') {
      parts.push(chunk, png.subarray(pos))
      return Buffer.concat(parts)
    }
    if (type !== 'eXIf') parts.push(png.subarray(pos, end))
    pos = end
  }
  throw invalid('Expected a PNG file with an IDAT chunk')
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** The TIFF part of an EXIF block, with or without the `Exif\0\0` prefix. */
function stripExifHeader(exif: Buffer): Buffer {
  return exif.subarray(0, 6).equals(EXIF_HEADER) ? exif.subarray(6) : exif
}

/** Reads IFD0, the Exif IFD and the GPS IFD and writes them back (see the module comment). */
function rebuild(tiff: Buffer, keepGps: boolean): Buffer | undefined {
  const order = tiff.toString('latin1', 0, 2)
  if (order !== 'II' && order !== 'MM') return undefined
  const le = order === 'II'
  const u16 = (at: number): number => (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at))
  const u32 = (at: number): number => (le ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at))
  if (u16(2) !== 42) return undefined

  // Reads past the end throw RangeError, which prepareExif turns into "no EXIF".
  const readIfd = (offset: number): Entry[] => {
    const count = u16(offset)
    if (count > MAX_IFD_ENTRIES || offset + 2 + count * 12 > tiff.length) throw new RangeError('IFD out of range')
    const entries: Entry[] = []
    for (let k = 0; k < count; k++) {
      const at = offset + 2 + k * 12
      const type = u16(at + 2)
      const count = u32(at + 4)
      const size = (TYPE_SIZES[type] ?? 0) * count
      // One bad entry (unknown type, value outside the block) is skipped rather than losing the rest.
      if (size === 0) continue
      const start = size <= 4 ? at + 8 : u32(at + 8)
      if (start + size > tiff.length) continue
      entries.push({ tag: u16(at), type, count, value: Buffer.from(tiff.subarray(start, start + size)) })
    }
    return entries
  }
  const pointer = (entries: Entry[], tag: number): number | undefined => {
    const e = entries.find((x) => x.tag === tag)
    if (!e || e.count !== 1 || (e.type !== 4 && e.type !== 13)) return undefined
    return le ? e.value.readUInt32LE(0) : e.value.readUInt32BE(0)
  }
  const one = Buffer.alloc(2)
  if (le) one.writeUInt16LE(1)
  else one.writeUInt16BE(1)
  const keep = (entries: Entry[]): Entry[] =>
    entries
      .filter((e) => !DROPPED_TAGS.has(e.tag) && e.tag !== TAG_EXIF_IFD && e.tag !== TAG_GPS_IFD)
      .map((e) =>
        e.tag === TAG_ORIENTATION || e.tag === TAG_COLOR_SPACE ? { tag: e.tag, type: 3, count: 1, value: one } : e
      )

  const ifd0Raw = readIfd(u32(4))
  const exifOffset = pointer(ifd0Raw, TAG_EXIF_IFD)
  const gpsOffset = keepGps ? pointer(ifd0Raw, TAG_GPS_IFD) : undefined
  const ifd0 = keep(ifd0Raw)
  const exifIfd = exifOffset === undefined ? [] : keep(readIfd(exifOffset))
  const gpsIfd = gpsOffset === undefined ? [] : readIfd(gpsOffset)
  if (ifd0.length + exifIfd.length + gpsIfd.length === 0) return undefined

  const result = Buffer.concat([EXIF_HEADER, writeTiff(le, ifd0, exifIfd, gpsIfd)])
  return result.length <= MAX_APP1_PAYLOAD ? result : undefined
}

/** Lays out header, IFD0, Exif IFD, GPS IFD, each followed by its out-of-line values (word-aligned). */
function writeTiff(le: boolean, ifd0: Entry[], exifIfd: Entry[], gpsIfd: Entry[]): Buffer {
  const pointerEntry = (tag: number): Entry => ({ tag, type: 4, count: 1, value: Buffer.alloc(4) })
  const root = [...ifd0]
  if (exifIfd.length) root.push(pointerEntry(TAG_EXIF_IFD))
  if (gpsIfd.length) root.push(pointerEntry(TAG_GPS_IFD))
  const ifds = [root, exifIfd, gpsIfd].filter((ifd) => ifd.length > 0)
  for (const ifd of ifds) ifd.sort((a, b) => a.tag - b.tag)

  const padded = (n: number): number => n + (n & 1)
  const sizeOf = (ifd: Entry[]): number =>
    2 + ifd.length * 12 + 4 + ifd.reduce((sum, e) => sum + (e.value.length > 4 ? padded(e.value.length) : 0), 0)
  const offsets: number[] = []
  let total = 8
  for (const ifd of ifds) {
    offsets.push(total)
    total += sizeOf(ifd)
  }
  const subIfdOffset = new Map<number, number>()
  if (exifIfd.length) subIfdOffset.set(TAG_EXIF_IFD, offsets[ifds.indexOf(exifIfd)])
  if (gpsIfd.length) subIfdOffset.set(TAG_GPS_IFD, offsets[ifds.indexOf(gpsIfd)])

  const buf = Buffer.alloc(total)
  const w16 = (v: number, at: number): number => (le ? buf.writeUInt16LE(v, at) : buf.writeUInt16BE(v, at))
  const w32 = (v: number, at: number): number => (le ? buf.writeUInt32LE(v, at) : buf.writeUInt32BE(v, at))
  buf.write(le ? 'II' : 'MM', 0, 'latin1')
  w16(42, 2)
  w32(8, 4)
  ifds.forEach((ifd, n) => {
    const start = offsets[n]
    let data = start + 2 + ifd.length * 12 + 4
    w16(ifd.length, start)
    ifd.forEach((e, k) => {
      const at = start + 2 + k * 12
      w16(e.tag, at)
      w16(e.type, at + 2)
      w32(e.count, at + 4)
      const sub = ifd === root ? subIfdOffset.get(e.tag) : undefined
      if (sub !== undefined) w32(sub, at + 8)
      else if (e.value.length <= 4) e.value.copy(buf, at + 8)
      else {
        w32(data, at + 8)
        e.value.copy(buf, data)
        data += padded(e.value.length)
      }
    })
    // The next-IFD link stays 0: IFD1 (the thumbnail) is not written.
  })
  return buf
}

function invalid(message: string): UnclipError {
  return new UnclipError('INVALID_ARGUMENT', message)
}
