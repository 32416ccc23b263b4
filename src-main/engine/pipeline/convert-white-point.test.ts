import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { imagePipeline, type PixelFn } from '../../../test/helpers/images'
import { convertFile } from './convert'
import { decodeImage } from './decode'
import { createEngine, type Engine, type PredictionSummary } from './engine'
import { autoWhitePoint, DEFAULT_TONEMAP, peakOf, toneMapImage } from '../imaging/tonemap'

// The automatic white point outside the app: a batch or the CLI resolves it per photo from the
// result's own peak, found before the strips, so its PNG is what the app shows and exports for that photo.
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/models/', import.meta.url))
const root = mkdtempSync(path.join(tmpdir(), 'unclip-white-'))
let engine: Engine
let photo: string
beforeAll(async () => {
  engine = await createEngine({ modelsDir: FIXTURES, model: 'unclip-fixture', provider: 'cpu' })
  // Larger than the model's 1024 px, so the model runs on a reduced copy and strips are upsampled.
  const lamp: PixelFn = (x, y) => {
    const d = Math.hypot(x - 0.3, y - 0.4)
    return d < 0.12 ? [1, 1, 1] : [0.15 + 0.5 * x, 0.25 + 0.3 * y, 0.3]
  }
  photo = path.join(root, 'lamp.png')
  await imagePipeline(1400, 900, lamp).png().toFile(photo)
})
afterAll(async () => {
  await engine.dispose()
  rmSync(root, { recursive: true, force: true })
})

async function pngPixels(file: string): Promise<Uint8Array> {
  return new Uint8Array(await sharp(file).removeAlpha().raw().toBuffer())
}

describe('an automatic white point in convertFile', () => {
  it("takes each photo's white point from its result's peak and writes the PNG with it", async () => {
    const tonemap = { ...DEFAULT_TONEMAP, exposureEv: -0.5 }
    const dir = path.join(root, 'auto')
    const result = await convertFile(engine, photo, {
      outDir: dir,
      outputBase: path.join(dir, 'lamp'),
      formats: ['png'],
      mode: 'hdr',
      overwrite: false,
      tonemap,
      autoWhitePoint: true
    })

    // The same prediction again, made whole, to compare with.
    const decoded = await decodeImage(photo)
    let summary: PredictionSummary | undefined
    const floats = new Float32Array(decoded.image.data.length)
    await engine.predictStrips(decoded.image, (strip, y) => floats.set(strip.data, y * decoded.image.width * 3), {
      beforeStrips: async (s) => void (summary = s)
    })
    // The full-resolution result's own largest value, found before any strip was made.
    expect(await summary!.peak()).toBe(peakOf(floats))
    expect(peakOf(floats)).toBeGreaterThan(1.5)
    const expected = { ...tonemap, whitePoint: autoWhitePoint(peakOf(floats), tonemap.exposureEv) }
    expect(result.tonemap).toEqual(expected)

    const written = await pngPixels(result.outputs[0])
    const mapped = toneMapImage({ ...decoded.image, data: floats }, expected, 8)
    let worst = 0
    for (let i = 0; i < mapped.length; i++) worst = Math.max(worst, Math.abs(written[i] - mapped[i]))
    expect(worst).toBeLessThanOrEqual(1)
  })

  it('keeps the given white point when it is not automatic', async () => {
    const dir = path.join(root, 'fixed')
    const convert = (autoWhitePoint: boolean, sub: string) =>
      convertFile(engine, photo, {
        outDir: path.join(dir, sub),
        outputBase: path.join(dir, sub, 'lamp'),
        formats: ['png'],
        mode: 'hdr',
        overwrite: false,
        tonemap: DEFAULT_TONEMAP,
        autoWhitePoint
      })
    const fixed = await convert(false, 'fixed')
    const auto = await convert(true, 'auto')
    expect(fixed.tonemap?.whitePoint).toBe(DEFAULT_TONEMAP.whitePoint)
    expect(auto.tonemap?.whitePoint).toBeLessThan(DEFAULT_TONEMAP.whitePoint)
    // A lower white point shows the lamp's surroundings brighter.
    const sum = (pixels: Uint8Array): number => pixels.reduce((a, b) => a + b, 0)
    expect(sum(await pngPixels(auto.outputs[0]))).toBeGreaterThan(sum(await pngPixels(fixed.outputs[0])))
  })
})
