/**
 * TIFF outputs from a real conversion (fixture model), read by independent readers: OpenCV (libtiff)
 * for the pixels, tifffile for the container, exiftool for EXIF and ICC, ImageMagick for the sample
 * format. The 16-bit TIFF must hold the 16-bit PNG's pixels exactly (the same tone mapping), the
 * float TIFF the radiance the `.exr` holds, to half-float precision.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { imagePipeline } from '../../../test/helpers/images'
import { pythonSkipReason, runPython } from '../../../test/helpers/python'
import { hasTool } from '../../../test/helpers/tools'
import { convertToTiffs } from '../../../test/helpers/tiff-outputs'
import { createEngine, type Engine } from './engine'
import type { ConvertResult } from '../types'

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/models/', import.meta.url))
const noPython = pythonSkipReason(['cv2', 'numpy', 'tifffile'])
const hasExiftool = hasTool('exiftool', ['-ver'])
const hasMagick = hasTool('identify', ['-version'])

const root = mkdtempSync(path.join(tmpdir(), 'unclip-tiff-out-'))
let engine: Engine
let result: ConvertResult
const output = (suffix: string): string => result.outputs.find((o) => o.endsWith(suffix))!

beforeAll(async () => {
  engine = await createEngine({ modelsDir: FIXTURES, model: 'unclip-fixture', provider: 'cpu' })
  const photo = path.join(root, 'photo.jpg')
  // Stored 70×45 with orientation 6 (so 45×70 upright) and a clipped corner the model lifts.
  await imagePipeline(70, 45, (x, y) => (x < 0.3 && y < 0.4 ? [1, 1, 1] : [0.1 + 0.6 * x, 0.15 + 0.5 * y, 0.35]))
    .withExif({
      IFD0: { Make: 'Acme', Model: 'Cam 2' },
      IFD2: { FNumber: '4/1', DateTimeOriginal: '2025:01:02 03:04:05' }
    })
    .withMetadata({ orientation: 6 })
    .jpeg({ quality: 95 })
    .toFile(photo)
  result = await convertToTiffs(engine, photo, root, 'photo')
}, 60_000)

afterAll(async () => {
  await engine?.dispose()
  rmSync(root, { recursive: true, force: true })
})

describe('convertFile with tif16 and tif32', () => {
  it('names the TIFFs apart from each other', () => {
    expect(result.outputs.map((o) => path.basename(o))).toEqual([
      'photo.exr',
      'photo-16bit.png',
      'photo.tif',
      'photo-hdr.tif'
    ])
    expect(result.timings.tiffEncode).toBeGreaterThan(0)
  })

  it.skipIf(noPython)(`holds the 16-bit PNG's pixels and the EXR's radiance${noPython ? ` (${noPython})` : ''}`, () => {
    const report = runPython(
      `import sys, json, os, cv2, numpy as np, tifffile
os.environ['OPENCV_IO_ENABLE_OPENEXR'] = '1'
t16, t32, png, exr = (cv2.imread(p, cv2.IMREAD_UNCHANGED) for p in sys.argv[1:5])
page16, page32 = (tifffile.TiffFile(p).pages[0] for p in sys.argv[1:3])
rel = np.abs(t32 - exr) / np.maximum(np.abs(exr), 1e-3)
print(json.dumps(dict(
  shape16=list(t16.shape), shape32=list(t32.shape), dtype16=str(t16.dtype), dtype32=str(t32.dtype),
  same16=bool(np.array_equal(t16, png)), maxRel=float(rel.max()), peak=float(t32.max()),
  tags16=[int(page16.compression), int(page16.predictor), int(page16.bitspersample)],
  tags32=[int(page32.compression), int(page32.predictor), int(page32.bitspersample), int(page32.sampleformat)])))`,
      {
        args: [output('photo.tif'), output('-hdr.tif'), output('-16bit.png'), output('.exr')],
        env: { OPENCV_IO_ENABLE_OPENEXR: '1' }
      }
    )
    const r = JSON.parse(report) as Record<string, unknown>
    expect(r).toMatchObject({
      shape16: [70, 45, 3],
      shape32: [70, 45, 3],
      dtype16: 'uint16',
      dtype32: 'float32',
      same16: true,
      tags16: [8, 2, 16],
      tags32: [8, 3, 32, 3]
    })
    expect(r['maxRel']).toBeLessThan(1e-3) // half floats keep 11 significant bits
    expect(r['peak']).toBeGreaterThan(1.2) // the recovered highlight is above the clipping level
  })

  it.skipIf(!hasExiftool)('carries the EXIF, orientation 1 and the right profile in each', () => {
    const [t16, t32] = JSON.parse(
      execFileSync('exiftool', ['-j', '-G1', '-n', output('photo.tif'), output('-hdr.tif')]).toString()
    ) as Record<string, unknown>[]
    for (const info of [t16, t32]) {
      expect(info).toMatchObject({
        'IFD0:Make': 'Acme',
        'IFD0:Model': 'Cam 2',
        'IFD0:Orientation': 1,
        'IFD0:ImageWidth': 45,
        'IFD0:ImageHeight': 70,
        'ExifIFD:FNumber': 4,
        'ExifIFD:DateTimeOriginal': '2025:01:02 03:04:05'
      })
      expect(info['ExifTool:Warning']).toBeUndefined()
    }
    expect(String(t16['ICC_Profile:ProfileDescription'])).toMatch(/sRGB/)
    expect(t32['ICC_Profile:ProfileDescription']).toBe('sRGB linear (Unclip)')
    expect([t32['ICC_Profile:RedTRC'], t32['ICC-header:ProfileClass']]).toEqual([expect.anything(), 'mntr'])
  })

  it.skipIf(!hasMagick)('ImageMagick reads the float TIFF as floating point with its linear profile', () => {
    const out = execFileSync('identify', ['-format', '%w %h %z %[quantum:format]', output('-hdr.tif')]).toString()
    expect(out).toBe('45 70 32 floating-point')
  })
})
