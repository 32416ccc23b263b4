import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, describe, expect, it } from 'vitest'
import { insertExifIntoJpeg, insertExifIntoPng, prepareExif } from './exif'
import { hasTool } from '../../../test/helpers/tools'

/** exiftool is the independent reader; CI installs libimage-exiftool-perl. */
const hasExiftool = hasTool('exiftool', ['-ver'])

const tmp = mkdtempSync(join(tmpdir(), 'unclip-exif-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

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

function cameraTiff(le: boolean): Buffer {
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

const EXIF = (tiff: Buffer): Buffer => Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff])

const pixelsJpeg = (): Promise<Buffer> =>
  sharp({ create: { width: 16, height: 8, channels: 3, background: '#336699' } })
    .jpeg()
    .toBuffer()
const pixelsPng = (): Promise<Buffer> =>
  sharp({ create: { width: 16, height: 8, channels: 3, background: '#336699' } })
    .png()
    .toBuffer()

function exiftool(file: Buffer, name: string): Record<string, unknown> {
  const path = join(tmp, name)
  writeFileSync(path, file)
  const [info] = JSON.parse(execFileSync('exiftool', ['-j', '-G1', '-n', '-a', path]).toString()) as Record<
    string,
    unknown
  >[]
  return info
}

describe('prepareExif', () => {
  for (const le of [true, false]) {
    const order = le ? 'little-endian' : 'big-endian'

    it(`keeps camera, lens, exposure and dates, drops GPS, thumbnail and MakerNote (${order})`, async () => {
      const exif = prepareExif(EXIF(cameraTiff(le)), { keepGps: false })!
      expect(exif.toString('latin1', 0, 8)).toBe(le ? 'Exif\0\0II' : 'Exif\0\0MM')
      const jpeg = insertExifIntoJpeg(await pixelsJpeg(), exif)
      const meta = await sharp(jpeg).metadata()
      expect(meta.orientation).toBe(1)
      expect(meta.exif?.equals(exif)).toBe(true)
      const text = exif.toString('latin1')
      for (const kept of [
        'Fujifilm',
        'X-T5',
        'XF33mmF1.4 R LM WR',
        '2024:06:01 18:30:05',
        '+02:00',
        'CC BY 4.0 Jane Doe'
      ]) {
        expect(text).toContain(kept)
      }
      expect(text).not.toContain('maker note')
      expect(exif.includes(Buffer.alloc(64, 0xab))).toBe(false)
    })

    it.skipIf(!hasExiftool)(`reads back in exiftool with values intact (${order})`, async () => {
      const info = exiftool(
        insertExifIntoJpeg(await pixelsJpeg(), prepareExif(EXIF(cameraTiff(le)), { keepGps: false })!),
        `cam-${order}.jpg`
      )
      expect(info).toMatchObject({
        'IFD0:Make': 'Fujifilm',
        'IFD0:Model': 'X-T5',
        'IFD0:Orientation': 1,
        'ExifIFD:ExposureTime': 0.004,
        'ExifIFD:FNumber': 5.6,
        'ExifIFD:ISO': 400,
        'ExifIFD:FocalLength': 23,
        'ExifIFD:ExposureCompensation': -1,
        'ExifIFD:DateTimeOriginal': '2024:06:01 18:30:05',
        'ExifIFD:CreateDate': '2024:06:01 18:30:05',
        'ExifIFD:OffsetTimeOriginal': '+02:00',
        'ExifIFD:ColorSpace': 1,
        'ExifIFD:LensMake': 'FUJIFILM',
        'ExifIFD:LensModel': 'XF33mmF1.4 R LM WR'
      })
      for (const gone of [
        'GPS:GPSLatitude',
        'ExifIFD:MakerNoteUnknownText',
        'ExifIFD:MakerNote',
        'IFD1:Compression',
        'ExifIFD:ExifImageWidth'
      ]) {
        expect(info[gone]).toBeUndefined()
      }
      expect(Object.keys(info).some((k) => k.startsWith('GPS:') || k.startsWith('IFD1:'))).toBe(false)
      expect(info['ExifTool:Warning']).toBeUndefined()
    })

    it.skipIf(!hasExiftool)(`keeps GPS when asked (${order})`, async () => {
      const info = exiftool(
        insertExifIntoJpeg(await pixelsJpeg(), prepareExif(EXIF(cameraTiff(le)), { keepGps: true })!),
        `gps-${order}.jpg`
      )
      expect(info['GPS:GPSLatitudeRef']).toBe('N')
      expect(info['GPS:GPSLatitude']).toBeCloseTo(48 + 51 / 60 + 24 / 3600, 6)
      expect(info['GPS:GPSLongitude']).toBeCloseTo(2 + 17 / 60 + 40 / 3600, 6)
      expect(info['IFD0:Make']).toBe('Fujifilm')
    })
  }

  it('keeps GPS only when asked, as seen by the reader itself', () => {
    const gpsLatitude = Buffer.from([0, 0, 0, 48, 0, 0, 0, 1, 0, 0, 0, 51, 0, 0, 0, 1])
    expect(prepareExif(EXIF(cameraTiff(false)), { keepGps: false })!.includes(gpsLatitude)).toBe(false)
    expect(prepareExif(EXIF(cameraTiff(false)), { keepGps: true })!.includes(gpsLatitude)).toBe(true)
  })

  it('rewrites EXIF written by libvips (sharp withExif), accepting it with or without the Exif header', async () => {
    const source = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } })
      .jpeg()
      .withExif({
        IFD0: { Make: 'Canon', Model: 'EOS R5' },
        IFD2: { ExposureTime: '1/125', FNumber: '28/10' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100' }
      })
      .toBuffer()
    const raw = (await sharp(source).metadata()).exif!
    const exif = prepareExif(raw, { keepGps: false })!
    expect(prepareExif(raw.subarray(6), { keepGps: false })!.equals(exif)).toBe(true)
    expect(exif.toString('latin1')).toContain('EOS R5')
    if (hasExiftool) {
      const info = exiftool(insertExifIntoJpeg(await pixelsJpeg(), exif), 'libvips.jpg')
      expect(info).toMatchObject({ 'IFD0:Make': 'Canon', 'ExifIFD:ExposureTime': 0.008, 'ExifIFD:FNumber': 2.8 })
      expect(info['GPS:GPSLatitude']).toBeUndefined()
    }
  })

  it('returns undefined for missing, truncated or garbage EXIF instead of throwing', () => {
    const good = EXIF(cameraTiff(true))
    expect(prepareExif(undefined, { keepGps: false })).toBeUndefined()
    expect(prepareExif(Buffer.from('Exif\0\0'), { keepGps: false })).toBeUndefined()
    expect(prepareExif(Buffer.from('not exif at all'), { keepGps: false })).toBeUndefined()
    expect(prepareExif(good.subarray(0, 20), { keepGps: false })).toBeUndefined()
    const badIfd = Buffer.from(good)
    badIfd.writeUInt32LE(0x7fffffff, 10)
    expect(prepareExif(badIfd, { keepGps: false })).toBeUndefined()
    for (let seed = 1; seed <= 200; seed++) {
      const noisy = Buffer.from(good)
      for (let k = 0; k < 8; k++) noisy[14 + ((seed * 7919 * (k + 1)) % (noisy.length - 14))] = (seed * 31 + k) & 0xff
      expect(() => prepareExif(noisy, { keepGps: true })).not.toThrow()
    }
  })
})

describe('insertExifIntoJpeg', () => {
  it('replaces an existing EXIF segment and keeps the image decodable', async () => {
    const withOld = await sharp({ create: { width: 16, height: 8, channels: 3, background: '#336699' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'Old Camera' } })
      .toBuffer()
    const exif = prepareExif(EXIF(cameraTiff(true)), { keepGps: false })!
    const jpeg = insertExifIntoJpeg(withOld, exif)
    expect(jpeg.toString('latin1')).not.toContain('Old Camera')
    const meta = await sharp(jpeg).metadata()
    expect([meta.width, meta.height]).toEqual([16, 8])
    expect(meta.exif?.equals(exif)).toBe(true)
    const pixels = await sharp(jpeg).raw().toBuffer()
    expect(pixels.equals(await sharp(withOld).raw().toBuffer())).toBe(true)
  })

  it('rejects a file that is not a JPEG', () => {
    expect(() => insertExifIntoJpeg(Buffer.from('GIF89a'), Buffer.from('Exif\0\0II'))).toThrow(
      'Expected a JPEG file starting with SOI'
    )
  })

  it('rejects EXIF larger than one APP1 segment', async () => {
    expect(() => insertExifIntoJpeg(Buffer.from([0xff, 0xd8, 0xff, 0xd9]), Buffer.alloc(70000))).toThrow(
      'Expected EXIF of at most 65533 bytes but received 70006'
    )
  })
})

describe('insertExifIntoPng', () => {
  it('adds an eXIf chunk sharp and exiftool read back', async () => {
    const exif = prepareExif(EXIF(cameraTiff(false)), { keepGps: false })!
    const png = insertExifIntoPng(await pixelsPng(), exif)
    const meta = await sharp(png).metadata()
    expect(meta.orientation).toBe(1)
    expect(meta.exif?.toString('latin1')).toContain('X-T5')
    expect(png.indexOf('eXIf')).toBeLessThan(png.indexOf('IDAT'))
    if (hasExiftool) {
      const info = exiftool(png, 'out.png')
      expect(info).toMatchObject({ 'IFD0:Make': 'Fujifilm', 'ExifIFD:FNumber': 5.6, 'IFD0:Orientation': 1 })
      expect(info['ExifTool:Warning']).toBeUndefined()
    }
  })

  it('replaces an existing eXIf chunk', async () => {
    const first = insertExifIntoPng(await pixelsPng(), prepareExif(EXIF(cameraTiff(true)), { keepGps: true })!)
    const second = insertExifIntoPng(first, prepareExif(EXIF(cameraTiff(true)), { keepGps: false })!)
    expect(second.toString('latin1').split('eXIf').length).toBe(2)
    const gpsLatitude = Buffer.from([48, 0, 0, 0, 1, 0, 0, 0, 51, 0, 0, 0, 1, 0, 0, 0])
    expect(first.includes(gpsLatitude)).toBe(true)
    expect((await sharp(second).metadata()).exif?.includes(gpsLatitude)).toBe(false)
  })

  it('rejects a file that is not a PNG, and a PNG without IDAT', () => {
    expect(() => insertExifIntoPng(Buffer.from('not a png'), Buffer.alloc(8))).toThrow(
      'Expected a PNG file starting with the PNG signature'
    )
    const signatureOnly = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    expect(() => insertExifIntoPng(signatureOnly, Buffer.alloc(8))).toThrow('Expected a PNG file with an IDAT chunk')
  })
})
