/**
 * A ProPhoto 16-bit TIFF, as Lightroom hands one to an external editor, comes back in ProPhoto: the
 * TIFFs carry its profile (or a linear one with its primaries), keep its colours outside sRGB, and
 * equal the sRGB outputs once ImageMagick (lcms) or the profile's matrix converts them. Independent
 * readers throughout: ImageMagick for the photo and the conversion, OpenCV for pixels, exiftool for tags.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pythonSkipReason, runPython } from '../../../test/helpers/python'
import {
  OUT_OF_SRGB_PATCH,
  PROPHOTO_ICC,
  proPhotoSkipReason,
  SRGB_ICC,
  writeProPhotoTiff
} from '../../../test/helpers/prophoto'
import { parseRgbProfile } from '../codecs/icc-profile'
import { convertToTiffs } from '../../../test/helpers/tiff-outputs'
import { createEngine, type Engine } from './engine'
import type { ConvertResult } from '../types'

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/models/', import.meta.url))
const noPython = pythonSkipReason(['cv2', 'numpy'])
const noProPhoto = proPhotoSkipReason()
const canRun = noProPhoto === null
const why = noProPhoto ? ` (${noProPhoto})` : ''

describe.skipIf(!canRun)(`a ProPhoto TIFF comes back in ProPhoto${why}`, () => {
  const root = mkdtempSync(path.join(tmpdir(), 'unclip-prophoto-'))
  const photo = path.join(root, 'photo.tif')
  let engine: Engine
  let result: ConvertResult
  const output = (suffix: string): string => result.outputs.find((o) => o.endsWith(suffix))!

  beforeAll(async () => {
    await writeProPhotoTiff(photo)
    engine = await createEngine({ modelsDir: FIXTURES, model: 'unclip-fixture', provider: 'cpu' })
    result = await convertToTiffs(engine, photo, root, 'out')
  }, 60_000)

  afterAll(async () => {
    await engine?.dispose()
    rmSync(root, { recursive: true, force: true })
  })

  it('embeds the photo profile in the 16-bit TIFF and a linear one with its primaries in the float TIFF', () => {
    const [t16, t32] = JSON.parse(
      execFileSync('exiftool', ['-j', '-G1', '-n', output('out.tif'), output('-hdr.tif')]).toString()
    ) as Record<string, unknown>[]
    expect(t16!['ICC_Profile:ProfileDescription']).toMatch(/ROMM/)
    expect(t16!['IFD0:BitsPerSample']).toBe('16 16 16')
    expect(t32!['ICC_Profile:ProfileDescription']).toMatch(/ROMM.*linear \(Unclip\)/)
    const original = parseRgbProfile(readFileSync(PROPHOTO_ICC))!
    const embedded = execFileSync('exiftool', ['-b', '-ICC_Profile', output('out.tif')])
    expect(embedded.equals(original.bytes)).toBe(true)
  })

  it.skipIf(noPython)(
    `converted to sRGB, both TIFFs equal the sRGB outputs; the green outside sRGB is kept${noPython ? ` (${noPython})` : ''}`,
    () => {
      const back = path.join(root, 'back-srgb.png')
      execFileSync('convert', [output('out.tif'), '-intent', 'relative', '-profile', SRGB_ICC, '-depth', '16', back])
      const p = parseRgbProfile(readFileSync(PROPHOTO_ICC))!.primaries
      const report = runPython(
        `import sys, json, os, cv2, numpy as np
back, png, t16, t32, exr, photo = (cv2.imread(f, cv2.IMREAD_UNCHANGED) for f in sys.argv[1:7])
pp = np.array(json.loads(sys.argv[7])).T
srgb = np.array([[0.4360747,0.3850649,0.1430804],[0.2225045,0.7168786,0.0606169],[0.0139322,0.0971045,0.7141733]])
to_srgb = np.linalg.inv(srgb) @ pp
x, y, n = ${OUT_OF_SRGB_PATCH.x}, ${OUT_OF_SRGB_PATCH.y}, ${OUT_OF_SRGB_PATCH.size}
# Compared where the photo's colours are inside sRGB (sRGB outputs clip the others).
own = (photo[..., ::-1].astype(float) / 65535) ** 1.8 @ to_srgb.T
mask = np.all((own > 1e-4) & (own < 1 + 1e-4), axis=2)
d16 = np.abs(back.astype(float) - png.astype(float))[mask] / 257
lin32 = t32[..., ::-1].astype(np.float64) @ to_srgb.T
rel = np.abs(lin32 - exr[..., ::-1]) / np.maximum(np.abs(exr[..., ::-1]), 1e-2)
patch = (t16[y:y+n, x:x+n, ::-1].astype(float) / 65535) ** 1.8 @ to_srgb.T
print(json.dumps(dict(inGamut=float(mask.mean()), max16=float(d16.max()), maxRel32=float(rel[mask].max()), patchMinSrgb=float(patch.min()),
  peak=float(t32.max()))))`,
        {
          args: [
            back,
            output('-16bit.png'),
            output('out.tif'),
            output('-hdr.tif'),
            output('.exr'),
            photo,
            JSON.stringify([p.red, p.green, p.blue])
          ],
          env: { OPENCV_IO_ENABLE_OPENEXR: '1' }
        }
      )
      const r = JSON.parse(report) as Record<string, number>
      expect(r['inGamut']).toBeGreaterThan(0.5)
      expect(r['max16']).toBeLessThan(1) // in 1/255 steps
      expect(r['maxRel32']).toBeLessThan(2e-3) // half floats keep 11 significant bits
      expect(r['patchMinSrgb']).toBeLessThan(-0.02) // a channel below zero in sRGB: outside its gamut
      expect(r['peak']).toBeGreaterThan(1.2)
    }
  )
})
