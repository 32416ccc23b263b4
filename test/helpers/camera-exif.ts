/**
 * A camera's EXIF for tests: IFD0 (make, model, orientation 6, firmware, copyright), the Exif IFD
 * (exposure, dates, lens, a MakerNote, pixel size), a GPS IFD and IFD1 with a thumbnail pointer, in
 * either byte order. Built by a deliberately plain TIFF writer, not the code under test.
 */
type Value =
  | { type: 2; text: string }
  | { type: 3 | 4; values: number[] }
  | { type: 5 | 10; values: [number, number][] }
  | { type: 7; bytes: Buffer }
type Ifd = Map<number, Value>

/**
 * A deliberately plain TIFF writer for fixtures (not the code under test): IFD0 → Exif IFD,
 * GPS IFD and, chained after IFD0, IFD1 with a thumbnail pointer.
 */
function buildTiff(le: boolean, ifd0: Ifd, exif: Ifd, gps: Ifd, ifd1: Ifd): Buffer {
  const chunks: Buffer[] = []
  let size = 8
  const alloc = (n: number): { buf: Buffer; at: number } => {
    const buf = Buffer.alloc(n + (n & 1))
    chunks.push(buf)
    const at = size
    size += buf.length
    return { buf, at }
  }
  const u16 = (b: Buffer, v: number, o: number): number => (le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o))
  const u32 = (b: Buffer, v: number, o: number): number => (le ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o))
  const encode = (v: Value): { type: number; count: number; bytes: Buffer } => {
    if (v.type === 2) return { type: 2, count: v.text.length + 1, bytes: Buffer.from(v.text + '\0', 'latin1') }
    if (v.type === 7) return { type: 7, count: v.bytes.length, bytes: v.bytes }
    if (v.type === 3 || v.type === 4) {
      const width = v.type === 3 ? 2 : 4
      const b = Buffer.alloc(width * v.values.length)
      v.values.forEach((n, k) => (width === 2 ? u16(b, n, 2 * k) : u32(b, n, 4 * k)))
      return { type: v.type, count: v.values.length, bytes: b }
    }
    const b = Buffer.alloc(8 * v.values.length)
    const signed = v.type === 10
    ;(v.values as [number, number][]).forEach(([n, d], k) => {
      if (!signed) u32(b, n, 8 * k)
      else if (le) b.writeInt32LE(n, 8 * k)
      else b.writeInt32BE(n, 8 * k)
      u32(b, d, 8 * k + 4)
    })
    return { type: v.type, count: v.values.length, bytes: b }
  }
  /** Writes one IFD; `slot` gives where a pointer tag's value goes, patched once its target exists. */
  const writeIfd = (ifd: Ifd): { at: number; slot: (tag: number) => number; next: number; buf: Buffer } => {
    const tags = [...ifd.keys()].sort((a, b) => a - b)
    const { buf, at } = alloc(2 + tags.length * 12 + 4)
    u16(buf, tags.length, 0)
    const slots = new Map<number, number>()
    tags.forEach((tag, k) => {
      const { type, count, bytes } = encode(ifd.get(tag)!)
      const o = 2 + k * 12
      u16(buf, tag, o)
      u16(buf, type, o + 2)
      u32(buf, count, o + 4)
      slots.set(tag, o + 8)
      if (bytes.length <= 4) bytes.copy(buf, o + 8)
      else {
        const data = alloc(bytes.length)
        bytes.copy(data.buf)
        u32(buf, data.at, o + 8)
      }
    })
    return { at, slot: (tag) => slots.get(tag)!, next: 2 + tags.length * 12, buf }
  }
  ifd0.set(0x8769, { type: 4, values: [0] })
  ifd0.set(0x8825, { type: 4, values: [0] })
  const root = writeIfd(ifd0)
  const exifIfd = writeIfd(exif)
  const gpsIfd = writeIfd(gps)
  const thumb = alloc(64)
  thumb.buf.fill(0xab)
  ifd1.set(0x0201, { type: 4, values: [thumb.at] })
  ifd1.set(0x0202, { type: 4, values: [64] })
  const first = writeIfd(ifd1)
  u32(root.buf, exifIfd.at, root.slot(0x8769))
  u32(root.buf, gpsIfd.at, root.slot(0x8825))
  u32(root.buf, first.at, root.next)
  const header = Buffer.alloc(8)
  header.write(le ? 'II' : 'MM', 0, 'latin1')
  u16(header, 42, 2)
  u32(header, 8, 4)
  return Buffer.concat([header, ...chunks])
}

export function cameraTiff(le: boolean): Buffer {
  return buildTiff(
    le,
    new Map<number, Value>([
      [0x010f, { type: 2, text: 'Fujifilm' }],
      [0x0110, { type: 2, text: 'X-T5' }],
      [0x0112, { type: 3, values: [6] }],
      [0x0131, { type: 2, text: 'Camera Firmware 2.10' }],
      [0x8298, { type: 2, text: 'CC BY 4.0 Jane Doe' }]
    ]),
    new Map<number, Value>([
      [0x829a, { type: 5, values: [[1, 250]] }],
      [0x829d, { type: 5, values: [[56, 10]] }],
      [0x8827, { type: 3, values: [400] }],
      [0x9003, { type: 2, text: '2024:06:01 18:30:05' }],
      [0x9004, { type: 2, text: '2024:06:01 18:30:05' }],
      [0x9011, { type: 2, text: '+02:00' }],
      [0x9204, { type: 10, values: [[-3, 3]] }],
      [0x920a, { type: 5, values: [[230, 10]] }],
      [0x927c, { type: 7, bytes: Buffer.from('FUJIFILM maker note with private offsets') }],
      [0xa001, { type: 3, values: [0xffff] }],
      [0xa002, { type: 4, values: [6240] }],
      [0xa433, { type: 2, text: 'FUJIFILM' }],
      [0xa434, { type: 2, text: 'XF33mmF1.4 R LM WR' }]
    ]),
    new Map<number, Value>([
      [0x0001, { type: 2, text: 'N' }],
      [
        0x0002,
        {
          type: 5,
          values: [
            [48, 1],
            [51, 1],
            [2400, 100]
          ]
        }
      ],
      [0x0003, { type: 2, text: 'E' }],
      [
        0x0004,
        {
          type: 5,
          values: [
            [2, 1],
            [17, 1],
            [4000, 100]
          ]
        }
      ]
    ]),
    new Map<number, Value>([[0x0103, { type: 3, values: [6] }]])
  )
}

/** `Exif\0\0` + a TIFF structure, as sharp reports EXIF. */
export const EXIF = (tiff: Buffer): Buffer => Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff])
