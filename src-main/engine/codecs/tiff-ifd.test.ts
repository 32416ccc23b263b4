import { describe, expect, it } from 'vitest'
import { ifdPointer, ifdValue, openTiff, stripExifHeader } from './tiff-ifd'

/** A TIFF with IFD0 at 8 holding the given 12-byte entries, then `extra` bytes. */
function tiff(le: boolean, entries: [tag: number, type: number, count: number, value: number][], extra = 0): Buffer {
  const buf = Buffer.alloc(8 + 2 + entries.length * 12 + 4 + extra)
  const w16 = (v: number, at: number): number => (le ? buf.writeUInt16LE(v, at) : buf.writeUInt16BE(v, at))
  const w32 = (v: number, at: number): number => (le ? buf.writeUInt32LE(v, at) : buf.writeUInt32BE(v, at))
  buf.write(le ? 'II' : 'MM', 0, 'latin1')
  w16(42, 2)
  w32(8, 4)
  w16(entries.length, 8)
  entries.forEach(([tag, type, count, value], k) => {
    const at = 10 + k * 12
    w16(tag, at)
    w16(type, at + 2)
    w32(count, at + 4)
    w32(value, at + 8)
  })
  return buf
}

describe('tiff-ifd', () => {
  for (const le of [true, false]) {
    it(`reads entries, pointers and values (${le ? 'II' : 'MM'})`, () => {
      const bytes = tiff(le, [
        [0x8769, 4, 1, 0x1234],
        [0x0112, 3, 1, le ? 6 : 6 << 16],
        [0x9999, 99, 1, 0],
        [0x829a, 5, 1, 4000],
        [0x010f, 2, 4, le ? 0x00656d41 : 0x416d6500]
      ])
      const reader = openTiff(stripExifHeader(Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), bytes])))!
      expect(reader.littleEndian).toBe(le)
      // The unknown type, and the rational whose value would lie past the end, are skipped.
      const entries = reader.readIfd(reader.firstIfd)
      expect(entries.map((e) => e.tag)).toEqual([0x8769, 0x0112, 0x010f])
      expect(ifdPointer(entries, 0x8769, le)).toBe(0x1234)
      expect(ifdPointer(entries, 0x0112, le)).toBeUndefined()
      expect(ifdValue(entries[1], le)).toEqual([6])
      expect(ifdValue(entries[2], le)).toBe('Ame')
    })
  }

  it('divides rationals out and refuses what is not TIFF', () => {
    const bytes = tiff(true, [[0x829a, 5, 1, 22]], 8)
    bytes.writeUInt32LE(1, 22)
    bytes.writeUInt32LE(250, 26)
    const reader = openTiff(bytes)!
    expect(ifdValue(reader.readIfd(8)[0], true)).toEqual([0.004])
    expect(openTiff(Buffer.from('XX\0\x2a\0\0\0\x08', 'latin1'))).toBeUndefined()
    expect(openTiff(Buffer.from('II\x2b\0\x08\0\0\0', 'latin1'))).toBeUndefined()
    const short = tiff(true, [])
    short.writeUInt16LE(5, 8)
    expect(() => openTiff(short)!.readIfd(8)).toThrow(new RangeError('IFD out of range'))
  })
})
