import sharp, { type Sharp } from 'sharp'
import { describe, expect, it } from 'vitest'
import { prepareExif } from './exif'
import { exrAttributesFromExif } from './exr-metadata'

async function exifOf(exif: Parameters<Sharp['withExif']>[0]): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#808080' } })
    .withExif(exif)
    .jpeg()
    .toBuffer()
  return (await sharp(jpeg).metadata()).exif!
}

describe('exrAttributesFromExif', () => {
  it('maps camera, lens, exposure, date and owner to string attributes', async () => {
    const raw = await exifOf({
      IFD0: {
        Make: 'Acme',
        Model: 'Cam 1',
        Copyright: 'Copyright Jo',
        Artist: 'Jo',
        ImageDescription: 'Harbour at dusk',
        DateTime: '2020:01:01 00:00:00'
      },
      IFD2: {
        ExposureTime: '2/1',
        FNumber: '8/1',
        ISOSpeedRatings: '1600',
        DateTimeOriginal: '2024:05:06 07:08:09',
        LensMake: 'Lensco',
        LensModel: 'Wide 24',
        FocalLength: '243/10'
      },
      IFD3: {
        GPSLatitudeRef: 'S',
        GPSLatitude: '33/1 51/1 0/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '151/1 12/1 36/1',
        GPSAltitude: '5/2'
      }
    })
    const base = {
      cameraMake: 'Acme',
      cameraModel: 'Cam 1',
      lensMake: 'Lensco',
      lensModel: 'Wide 24',
      capDate: '2024:05:06 07:08:09',
      owner: 'Copyright Jo',
      comments: 'Harbour at dusk',
      exifExposureTime: '2 s',
      exifFNumber: 'f/8',
      exifIsoSpeed: '1600',
      exifFocalLength: '24.3 mm'
    }
    expect(exrAttributesFromExif(prepareExif(raw, { keepGps: false }))).toEqual(base)
    expect(exrAttributesFromExif(prepareExif(raw, { keepGps: true }))).toEqual({
      ...base,
      exifGpsLatitude: '-33.850000',
      exifGpsLongitude: '151.210000',
      exifGpsAltitude: '2.5 m'
    })
  })

  it('gives nothing for missing or unreadable EXIF', () => {
    expect(exrAttributesFromExif(undefined)).toEqual({})
    expect(exrAttributesFromExif(Buffer.from('Exif\0\0MM\0\x2a\0\0\xff\xff', 'latin1'))).toEqual({})
  })
})
