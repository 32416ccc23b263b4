/**
 * Reads the TIFF structure EXIF is stored in: the header, image file directories (IFDs) and their
 * entries, with each value's bytes as they are. `exif.ts` rewrites the entries it keeps;
 * `exr-metadata.ts` decodes the values of the ones it shows.
 */

/** `Exif\0\0`, the prefix before the TIFF structure in a JPEG APP1 segment and in sharp's metadata. */
export const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1')

/** More entries than this in one IFD means a corrupt block, not a camera's. */
const MAX_IFD_ENTRIES = 1000

/** Bytes per value of each TIFF field type (1 BYTE … 13 IFD); 0 marks an unknown type. */
const TYPE_SIZES = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4]
const TYPE_ASCII = 2
const TYPE_LONG = 4
const TYPE_IFD = 13

/** One IFD entry. */
export interface IfdEntry {
  tag: number
  type: number
  count: number
  /** The value's bytes in the source byte order. */
  value: Buffer
}

/** A TIFF structure opened for reading; reads past its end throw RangeError. */
export interface TiffReader {
  littleEndian: boolean
  /** Offset of IFD0. */
  firstIfd: number
  /**
   * The entries of the IFD at `offset`. An entry of unknown type or whose value lies outside the
   * block is skipped rather than losing the rest.
   * @throws RangeError when the IFD itself does not fit or claims more than 1000 entries.
   */
  readIfd(offset: number): IfdEntry[]
}

/**
 * The TIFF part of an EXIF block.
 * @param exif `Exif\0\0` + TIFF, or bare TIFF.
 * @returns The bare TIFF bytes (a view, not a copy).
 */
export function stripExifHeader(exif: Buffer): Buffer {
  return exif.subarray(0, 6).equals(EXIF_HEADER) ? exif.subarray(6) : exif
}

/**
 * Opens a TIFF structure.
 * @param tiff Bare TIFF bytes (see `stripExifHeader`).
 * @returns The reader, or undefined when the byte-order mark or the magic number 42 is missing.
 * @throws RangeError when `tiff` is shorter than its 8-byte header.
 */
export function openTiff(tiff: Buffer): TiffReader | undefined {
  const order = tiff.toString('latin1', 0, 2)
  if (order !== 'II' && order !== 'MM') return undefined
  const littleEndian = order === 'II'
  const u16 = (at: number): number => (littleEndian ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at))
  const u32 = (at: number): number => (littleEndian ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at))
  if (u16(2) !== 42) return undefined
  const readIfd = (offset: number): IfdEntry[] => {
    const count = u16(offset)
    if (count > MAX_IFD_ENTRIES || offset + 2 + count * 12 > tiff.length) throw new RangeError('IFD out of range')
    const entries: IfdEntry[] = []
    for (let k = 0; k < count; k++) {
      const at = offset + 2 + k * 12
      const type = u16(at + 2)
      const count = u32(at + 4)
      const size = (TYPE_SIZES[type] ?? 0) * count
      if (size === 0) continue
      const start = size <= 4 ? at + 8 : u32(at + 8)
      if (start + size > tiff.length) continue
      entries.push({ tag: u16(at), type, count, value: Buffer.from(tiff.subarray(start, start + size)) })
    }
    return entries
  }
  return { littleEndian, firstIfd: u32(4), readIfd }
}

/**
 * Where a sub-IFD pointer entry (Exif IFD, GPS IFD) points.
 * @param entries An IFD's entries.
 * @param tag The pointer's tag.
 * @param littleEndian The block's byte order.
 * @returns The offset, or undefined when the tag is absent or not a single LONG or IFD value.
 */
export function ifdPointer(entries: IfdEntry[], tag: number, littleEndian: boolean): number | undefined {
  const e = entries.find((x) => x.tag === tag)
  if (!e || e.count !== 1 || (e.type !== TYPE_LONG && e.type !== TYPE_IFD)) return undefined
  return littleEndian ? e.value.readUInt32LE(0) : e.value.readUInt32BE(0)
}

/**
 * An entry's value as a reader shows it.
 * @param entry From `readIfd`.
 * @param littleEndian The block's byte order.
 * @returns ASCII as text up to its first NUL, trimmed; BYTE, SHORT, LONG as numbers; RATIONAL and
 *   SRATIONAL divided out; undefined for the other types.
 */
export function ifdValue(entry: IfdEntry, littleEndian: boolean): string | number[] | undefined {
  const { type, count, value } = entry
  if (type === TYPE_ASCII)
    return value
      .toString('utf8')
      .replace(/\0[\s\S]*$/, '')
      .trim()
  const read = VALUE_READERS[type]
  if (!read) return undefined
  const size = TYPE_SIZES[type]
  return Array.from({ length: count }, (_, i) => read(value, i * size, littleEndian))
}

type ValueReader = (bytes: Buffer, at: number, le: boolean) => number

const VALUE_READERS: Record<number, ValueReader | undefined> = {
  1: (b, at) => b[at],
  3: (b, at, le) => (le ? b.readUInt16LE(at) : b.readUInt16BE(at)),
  4: (b, at, le) => (le ? b.readUInt32LE(at) : b.readUInt32BE(at)),
  5: (b, at, le) => (le ? b.readUInt32LE(at) / b.readUInt32LE(at + 4) : b.readUInt32BE(at) / b.readUInt32BE(at + 4)),
  10: (b, at, le) => (le ? b.readInt32LE(at) / b.readInt32LE(at + 4) : b.readInt32BE(at) / b.readInt32BE(at + 4))
}
