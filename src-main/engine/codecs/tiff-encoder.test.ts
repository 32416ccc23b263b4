/**
 * TIFF writer: pixels read back exactly by OpenCV (libtiff) and ImageMagick, the container's tags by
 * tifffile, the ICC profile and the photo's EXIF by exiftool, in both byte orders.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, describe, expect, it } from 'vitest'
import { prepareExif } from './exif'
import { TiffEncoder } from './tiff-encoder'
import { cameraTiff, EXIF } from '../../../test/helpers/camera-exif'
import { pythonSkipReason, runPython } from '../../../test/helpers/python'
import { hasTool } from '../../../test/helpers/tools'

const tmp = mkdtempSync(join(tmpdir(), 'unclip-tiff-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const noPython = pythonSkipReason(['cv2', 'numpy', 'tifffile'])
const hasExiftool = hasTool('exiftool', ['-ver'])
const hasMagick = hasTool('identify', ['-version'])

const W = 37
const H = 23
/** A 16-bit ramp with every channel different and values across the whole range. */
const ramp16 = Uint16Array.from({ length: W * H * 3 }, (_, i) => (i * 2654435761) % 65536)
/** Linear radiance over 24 stops, zeros included, as a reconstruction holds. */
const radiance = Float32Array.from({ length: W * H * 3 }, (_, i) =>
  i % 11 === 0 ? 0 : 2 ** (((i * 37) % 240) / 10 - 12)
)

async function srgbIcc(): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#808080' } })
    .withIccProfile('srgb')
    .jpeg()
    .toBuffer()
  return (await sharp(jpeg).metadata()).icc!
}

function write(name: string, file: Buffer): string {
  const path = join(tmp, name)
  writeFileSync(path, file)
  return path
}

/** Samples as OpenCV reads them (RGB order restored), and the tags tifffile reports. */
function readBack(path: string): { samples: number[]; tags: Record<string, number | string> } {
  const out = runPython(
    `import sys, json, cv2, tifffile
img = cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED)
page = tifffile.TiffFile(sys.argv[1]).pages[0]
tags = dict(dtype=str(img.dtype), compression=int(page.compression), predictor=int(page.predictor),
            bits=int(page.bitspersample), photometric=int(page.photometric), order=page.parent.byteorder,
            strips=len(page.dataoffsets), shape='x'.join(map(str, img.shape)))
print(json.dumps(dict(samples=img[:, :, ::-1].ravel().tolist(), tags=tags)))`,
    { args: [path] }
  )
  return JSON.parse(out) as { samples: number[]; tags: Record<string, number | string> }
}

describe.skipIf(noPython)(`TiffEncoder read back by OpenCV and tifffile${noPython ? ` (${noPython})` : ''}`, () => {
  it('writes 16-bit RGB with the horizontal predictor, exactly', () => {
    const path = write(
      'u16.tif',
      TiffEncoder.encode({ width: W, height: H, sampleType: 'uint16', rowsPerStrip: 5 }, ramp16)
    )
    const { samples, tags } = readBack(path)
    expect(tags).toEqual({
      dtype: 'uint16',
      compression: 8,
      predictor: 2,
      bits: 16,
      photometric: 2,
      order: '<',
      strips: 5,
      shape: `${H}x${W}x3`
    })
    expect(samples).toEqual(Array.from(ramp16))
  })

  it('writes 32-bit float RGB with the floating-point predictor, exactly', () => {
    const path = write(
      'f32.tif',
      TiffEncoder.encode({ width: W, height: H, sampleType: 'float32', rowsPerStrip: 4 }, radiance)
    )
    const { samples, tags } = readBack(path)
    expect(tags).toMatchObject({ dtype: 'float32', compression: 8, predictor: 3, bits: 32, strips: 6 })
    expect(samples).toEqual(Array.from(radiance))
  })

  for (const le of [true, false]) {
    it(`takes the byte order of the photo's EXIF (${le ? 'II' : 'MM'}) and keeps the pixels`, () => {
      const exif = prepareExif(EXIF(cameraTiff(le)), { keepGps: false })
      for (const [sampleType, samples] of [
        ['uint16', ramp16],
        ['float32', radiance]
      ] as const) {
        const file = TiffEncoder.encode({ width: W, height: H, sampleType, exif }, samples)
        expect(file.toString('latin1', 0, 2)).toBe(le ? 'II' : 'MM')
        const read = readBack(write(`${sampleType}-${le}.tif`, file))
        expect(read.tags['order']).toBe(le ? '<' : '>')
        expect(read.samples).toEqual(Array.from(samples))
      }
    })
  }
})

describe.skipIf(!hasExiftool)('TiffEncoder metadata read back by exiftool', () => {
  for (const le of [true, false]) {
    it(`carries the ICC profile and the camera's EXIF, not its GPS (${le ? 'II' : 'MM'})`, async () => {
      const icc = await srgbIcc()
      const exif = prepareExif(EXIF(cameraTiff(le)), { keepGps: false })
      const xmp = Buffer.from(
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
          '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="3"/></rdf:RDF></x:xmpmeta>'
      )
      const path = write(
        `meta-${le}.tif`,
        TiffEncoder.encode(
          { width: W, height: H, sampleType: 'float32', icc, exif, xmp, software: 'Unclip test' },
          radiance
        )
      )
      const [info] = JSON.parse(execFileSync('exiftool', ['-j', '-G1', '-n', '-a', path]).toString()) as Record<
        string,
        unknown
      >[]
      expect(info).toMatchObject({
        'IFD0:ImageWidth': W,
        'IFD0:ImageHeight': H,
        'IFD0:BitsPerSample': '32 32 32',
        'IFD0:SampleFormat': 3, // exiftool -n shows the first of the three
        'IFD0:Orientation': 1,
        'IFD0:Make': 'Fujifilm',
        'IFD0:Model': 'X-T5',
        'IFD0:Software': 'Unclip test',
        'IFD0:Copyright': 'CC BY 4.0 Jane Doe',
        'ExifIFD:ExposureTime': 0.004,
        'ExifIFD:FNumber': 5.6,
        'ExifIFD:DateTimeOriginal': '2024:06:01 18:30:05',
        'ExifIFD:LensModel': 'XF33mmF1.4 R LM WR',
        'ICC-header:ColorSpaceData': 'RGB ',
        'ICC_Profile:ProfileDescription': 'sRGB'
      })
      expect(Object.keys(info).some((k) => k.startsWith('GPS:'))).toBe(false)
      expect(info['XMP-xmp:Rating']).toBe(3)
      expect(info['ExifTool:Warning']).toBeUndefined()
    })
  }
})

describe.skipIf(!hasMagick)('TiffEncoder read back by ImageMagick', () => {
  it('decodes the float TIFF as 32-bit floating point of the right size', () => {
    const path = write('magick.tif', TiffEncoder.encode({ width: W, height: H, sampleType: 'float32' }, radiance))
    const out = execFileSync('identify', ['-format', '%w %h %z %[quantum:format]', path]).toString()
    expect(out).toBe(`${W} ${H} 32 floating-point`)
  })
})

describe('TiffEncoder errors', () => {
  it('refuses a size that is not positive integers', () => {
    expect(() => new TiffEncoder({ width: 0, height: 4, sampleType: 'uint16' })).toThrow(
      'TIFF size must be positive integers, got 0x4'
    )
  })

  it('refuses to finish before every strip is written, or to take one too many', () => {
    const encoder = new TiffEncoder({ width: 4, height: 4, sampleType: 'uint16', rowsPerStrip: 2 })
    encoder.addStrip(10)
    expect(() => encoder.finish()).toThrow('1 of 2 strips were written')
    encoder.addStrip(10)
    expect(() => encoder.addStrip(10)).toThrow('more strips than the image has rows for')
  })

  it('refuses rows that are not whole', () => {
    const encoder = new TiffEncoder({ width: 4, height: 4, sampleType: 'float32' })
    expect(() => encoder.encodeStrip(new Float32Array(13))).toThrow('strip of 13 samples is not whole rows')
  })
})
