import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, describe, expect, it } from 'vitest'
import { insertExifIntoJpeg, prepareExif } from './exif'
import { cameraTiff, EXIF } from '../../../test/helpers/camera-exif'
import { hasTool } from '../../../test/helpers/tools'

/** exiftool is the independent reader; CI installs libimage-exiftool-perl. */
const hasExiftool = hasTool('exiftool', ['-ver'])

const tmp = mkdtempSync(join(tmpdir(), 'unclip-exif-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const pixelsJpeg = (): Promise<Buffer> =>
  sharp({ create: { width: 16, height: 8, channels: 3, background: '#336699' } })
    .jpeg()
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
