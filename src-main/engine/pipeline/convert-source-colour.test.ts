/**
 * A ProPhoto 16-bit TIFF, as Lightroom hands one to an external editor, comes back in ProPhoto: the
 * TIFFs carry its profile (or a linear one with its primaries), keep its colours outside sRGB, and
 * equal the sRGB outputs once ImageMagick (lcms) or the profile's matrix converts them. Independent
 * readers throughout: ImageMagick for the photo and the conversion, OpenCV for pixels, exiftool for tags.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pythonSkipReason, runPython } from '../../../test/helpers/python'
import { hasTool } from '../../../test/helpers/tools'
import { parseRgbProfile } from '../codecs/icc-profile'
import { curveToEncoded, curveToLinear, SRGB_CURVE } from '../imaging/colour-space'
import { convertFile } from './convert'
import { createEngine, type Engine } from './engine'
import type { ConvertResult, ToneMapSettings } from '../types'
import { ownProfile } from './decode-source-colour'

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/models/', import.meta.url))
/** Debian's libgs-common ships ROMM RGB (ProPhoto) and Adobe RGB (1998) profiles. */
const PROPHOTO = '/usr/share/color/icc/ghostscript/rommrgb.icc'
const ADOBE_RGB = '/usr/share/color/icc/ghostscript/a98.icc'
const SRGB = '/usr/share/color/icc/ghostscript/srgb.icc'
const TONEMAP: ToneMapSettings = { operator: 'reinhard', exposureEv: 0.3, whitePoint: 5, gamma: 1 }
const noPython = pythonSkipReason(['cv2', 'numpy'])
const canRun = existsSync(PROPHOTO) && existsSync(SRGB) && hasTool('convert', ['-version'])
const why = canRun ? '' : ' (needs ImageMagick and libgs-common ICC profiles)'
/** Where the test photo holds a green outside sRGB (rows 20–29, columns 30–39). */
const PATCH = { x: 30, y: 20, size: 10 }

describe('ICC profiles', () => {
  it.skipIf(!canRun)(`reads ProPhoto and Adobe RGB as matrix/TRC, sRGB as nothing to keep${why}`, () => {
    const prophoto = parseRgbProfile(readFileSync(PROPHOTO))!
    expect(prophoto.curves[0]).toEqual({ kind: 'gamma', gamma: expect.closeTo(1.8, 2) })
    expect(prophoto.primaries.red[0]).toBeCloseTo(0.7977, 3)
    expect(prophoto.name).toMatch(/ROMM/)
    expect(parseRgbProfile(readFileSync(ADOBE_RGB))?.curves[1]).toEqual({
      kind: 'gamma',
      gamma: expect.closeTo(2.2, 1)
    })
    expect(ownProfile(readFileSync(PROPHOTO))).toBeDefined()
    expect(ownProfile(readFileSync(SRGB))).toBeUndefined()
  })

  it('refuses what is not an RGB matrix profile', () => {
    expect(parseRgbProfile(Buffer.from('not a profile at all, not even close to 132 bytes long'))).toBeUndefined()
    expect(parseRgbProfile(Buffer.alloc(400))).toBeUndefined()
  })

  it('inverts its curves', () => {
    for (const v of [0, 0.001, 0.03, 0.2, 0.5, 0.99, 1])
      expect(curveToEncoded(SRGB_CURVE, curveToLinear(SRGB_CURVE, v))).toBeCloseTo(v, 9)
    const table = { kind: 'table' as const, table: Float64Array.from({ length: 33 }, (_, i) => (i / 32) ** 2) }
    for (const v of [0.1, 0.45, 0.8]) expect(curveToEncoded(table, curveToLinear(table, v))).toBeCloseTo(v, 6)
  })
})

describe.skipIf(!canRun)(`a ProPhoto TIFF comes back in ProPhoto${why}`, () => {
  const root = mkdtempSync(path.join(tmpdir(), 'unclip-prophoto-'))
  const photo = path.join(root, 'photo.tif')
  let engine: Engine
  let result: ConvertResult
  const output = (suffix: string): string => result.outputs.find((o) => o.endsWith(suffix))!

  beforeAll(async () => {
    // ProPhoto-encoded values, written untagged and then tagged by ImageMagick (assigned, not converted).
    const [w, h] = [64, 48]
    const data = new Uint16Array(w * h * 3)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const inPatch = x >= PATCH.x && x < PATCH.x + PATCH.size && y >= PATCH.y && y < PATCH.y + PATCH.size
        const rgb = x < 16 && y < 16 ? [1, 1, 1] : inPatch ? [0.25, 0.7, 0.2] : [0.2 + x / 100, 0.3 + y / 120, 0.35]
        data.set(
          rgb.map((v) => Math.round(v * 65535)),
          (y * w + x) * 3
        )
      }
    const untagged = path.join(root, 'untagged.png')
    await sharp(Buffer.from(data.buffer), { raw: { width: w, height: h, channels: 3, premultiplied: false } })
      .toColourspace('rgb16')
      .png()
      .toFile(untagged)
    execFileSync('convert', [untagged, '-profile', PROPHOTO, '-compress', 'zip', photo])
    engine = await createEngine({ modelsDir: FIXTURES, model: 'unclip-fixture', provider: 'cpu' })
    result = await convertFile(engine, photo, {
      outDir: root,
      outputBase: path.join(root, 'out'),
      formats: ['exr', 'png16', 'tif16', 'tif32'],
      mode: 'hdr',
      overwrite: false,
      tonemap: TONEMAP
    })
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
    const original = parseRgbProfile(readFileSync(PROPHOTO))!
    const embedded = execFileSync('exiftool', ['-b', '-ICC_Profile', output('out.tif')])
    expect(embedded.equals(original.bytes)).toBe(true)
  })

  it.skipIf(noPython)(
    `converted to sRGB, both TIFFs equal the sRGB outputs; the green outside sRGB is kept${noPython ? ` (${noPython})` : ''}`,
    () => {
      const back = path.join(root, 'back-srgb.png')
      execFileSync('convert', [output('out.tif'), '-intent', 'relative', '-profile', SRGB, '-depth', '16', back])
      const p = parseRgbProfile(readFileSync(PROPHOTO))!.primaries
      const report = runPython(
        `import sys, json, os, cv2, numpy as np
back, png, t16, t32, exr, photo = (cv2.imread(f, cv2.IMREAD_UNCHANGED) for f in sys.argv[1:7])
pp = np.array(json.loads(sys.argv[7])).T
srgb = np.array([[0.4360747,0.3850649,0.1430804],[0.2225045,0.7168786,0.0606169],[0.0139322,0.0971045,0.7141733]])
to_srgb = np.linalg.inv(srgb) @ pp
x, y, n = ${PATCH.x}, ${PATCH.y}, ${PATCH.size}
# Compared where the photo's colours are inside sRGB (sRGB outputs clip the others).
own = (photo[..., ::-1].astype(float) / 65535) ** 1.8 @ to_srgb.T
mask = np.all((own > -1e-4) & (own < 1 + 1e-4), axis=2)
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
