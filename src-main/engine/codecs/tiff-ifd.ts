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

/**
 * The 8-byte TIFF header: byte-order mark, 42, and the offset of IFD0.
 * @param littleEndian `II` when true, `MM` otherwise.
 */
export function tiffHeader(littleEndian: boolean, firstIfd: number): Buffer {
  const header = Buffer.alloc(8)
  header.write(littleEndian ? 'II' : 'MM', 0, 'latin1')
  if (littleEndian) {
    header.writeUInt16LE(42, 2)
    header.writeUInt32LE(firstIfd, 4)
  } else {
    header.writeUInt16BE(42, 2)
    header.writeUInt32BE(firstIfd, 4)
  }
  return header
}

/** An IFD to lay out: its entries, and which of them point at another IFD of the same layout. */
export interface IfdToWrite {
  entries: IfdEntry[]
  /** Pointer tag (e.g. 0x8769, the Exif IFD) → index, in the list given to `writeIfds`, of the IFD it points to. */
  children?: Map<number, number>
}

/**
 * Lays out IFDs one after another, each followed by its out-of-line values (word-aligned), for a
 * TIFF structure in which the first one starts at file offset `base`. Entries are sorted by tag;
 * pointer entries get their child's offset; next-IFD links are 0.
 * @param littleEndian Byte order; every entry's value must already be in it.
 * @returns The bytes to place at `base`.
 */
export function writeIfds(littleEndian: boolean, ifds: IfdToWrite[], base: number): Buffer {
  const padded = (n: number): number => n + (n & 1)
  const sorted = ifds.map((ifd) => [...ifd.entries].sort((a, b) => a.tag - b.tag))
  const offsets: number[] = []
  let total = 0
  for (const entries of sorted) {
    offsets.push(base + total)
    total += 2 + entries.length * 12 + 4
    total += entries.reduce((sum, e) => sum + (e.value.length > 4 ? padded(e.value.length) : 0), 0)
  }
  const buf = Buffer.alloc(total)
  const w16 = (v: number, at: number): number => (littleEndian ? buf.writeUInt16LE(v, at) : buf.writeUInt16BE(v, at))
  const w32 = (v: number, at: number): number => (littleEndian ? buf.writeUInt32LE(v, at) : buf.writeUInt32BE(v, at))
  sorted.forEach((entries, n) => {
    const start = offsets[n] - base
    let data = start + 2 + entries.length * 12 + 4
    w16(entries.length, start)
    entries.forEach((e, k) => {
      const at = start + 2 + k * 12
      w16(e.tag, at)
      w16(e.type, at + 2)
      w32(e.count, at + 4)
      const child = ifds[n].children?.get(e.tag)
      if (child !== undefined) w32(offsets[child], at + 8)
      else if (e.value.length <= 4) e.value.copy(buf, at + 8)
      else {
        w32(base + data, at + 8)
        e.value.copy(buf, data)
        data += padded(e.value.length)
      }
    })
  })
  return buf
}
