import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { floatImage, renderRaw, type PixelFn } from '../../../test/helpers/images'
import { createEngine, inferenceSize, STRIP_PIXELS, type Engine } from './engine'
import { UnclipError } from '../errors'
import { srgbDecode } from '../imaging/tonemap'
import type { RgbImage } from '../types'

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/models/', import.meta.url))
let engine: Engine
beforeAll(async () => {
  engine = await createEngine({ modelsDir: FIXTURES, model: 'unclip-fixture', provider: 'cpu' })
})
afterAll(() => engine.dispose())

/** Strip height the engine uses for a width (1 Mpixel strips). */
const stripRows = (width: number): number => Math.max(1, Math.floor(STRIP_PIXELS / width))

/** Largest |second difference| of the log green channel down each column, at rows `at(y)` vs the rest. */
function verticalCurvature(
  image: RgbImage,
  isBoundary: (y: number) => boolean
): { boundary: number; elsewhere: number } {
  const { width, height, data } = image
  const v = (x: number, y: number): number => Math.log(data[3 * (y * width + x) + 1] + 1e-3)
  let boundary = 0
  let elsewhere = 0
  for (let y = 1; y < height - 1; y++) {
    let worst = 0
    for (let x = 0; x < width; x += 7) worst = Math.max(worst, Math.abs(v(x, y - 1) - 2 * v(x, y) + v(x, y + 1)))
    if (isBoundary(y) || isBoundary(y + 1)) boundary = Math.max(boundary, worst)
    else elsewhere = Math.max(elsewhere, worst)
  }
  return { boundary, elsewhere }
}

/** Smooth ramp rising past 1 on the right, so a band of the image is clipped. */
const clippedRamp: PixelFn = (x, y) => [0.2 + 1.1 * x, 0.15 + 0.9 * x + 0.1 * y, 0.1 + 0.8 * x]

describe('engine', () => {
  it('reports the model and provider', () => {
    expect(engine.info.model).toEqual({ name: 'unclip-fixture', version: '0.0.1', fixture: true })
    expect(engine.info.provider).toEqual({ requested: ['cpu'], chosen: 'cpu', fallbacks: [] })
    expect(engine.card.size_multiple).toBe(16)
  })

  it('reduces large photos to the inference size, keeping panoramas at least 256 px tall', () => {
    expect(inferenceSize(4000, 3000, 1024)).toEqual({ width: 1024, height: 768 })
    expect(inferenceSize(600, 400, 1024)).toEqual({ width: 600, height: 400 })
    expect(inferenceSize(20000, 1000, 1024)).toEqual({ width: 5120, height: 256 })
    // A 1-px-wide strip cannot shrink without losing its short side: it runs at full size, tiled.
    expect(inferenceSize(1, 5000, 1024)).toEqual({ width: 1, height: 5000 })
  })

  it('full-size images come out as the model computes them', async () => {
    const image = floatImage(40, 30, clippedRamp)
    const out = await engine.predict(image)
    // Far from the clipped band (max channel ≤ 0.8 within the 9 px blur) the fixture is the inverse sRGB curve.
    expect(out.data[0]).toBeCloseTo(srgbDecode(image.data[0]), 5)
    // Inside the clipped band: linear 1 × (1 + 3 × fully clipped neighbourhood).
    const last = 3 * (30 * 40 - 1)
    expect(out.data[last]).toBeGreaterThan(3)
  })

  it('has no seams at strip boundaries, with and without a clipped region, and keeps full-res detail', async () => {
    const width = 2400
    const height = 1500
    const rows = stripRows(width)
    expect(height).toBeGreaterThan(3 * rows)
    for (const fn of [((x, y) => [0.1 + 0.6 * x, 0.1 + 0.5 * y, 0.3]) as PixelFn, clippedRamp]) {
      const out = await engine.predict(floatImage(width, height, fn))
      const { boundary, elsewhere } = verticalCurvature(out, (y) => y % rows === 0)
      expect(elsewhere).toBeGreaterThan(0)
      expect(boundary).toBeLessThanOrEqual(elsewhere * 1.01 + 1e-6)
    }
    // Pixel-scale texture in the unclipped part survives the reduced-size inference untouched.
    const textured: PixelFn = (x, y) => {
      const t = (Math.round(x * (width - 1)) + Math.round(y * (height - 1))) % 2 ? 0.05 : -0.05
      return [0.3 + t, 0.3 + t, 0.3 + t]
    }
    const image = floatImage(width, height, textured)
    const out = await engine.predict(image)
    for (const i of [0, 3, 3 * width, 3 * (width * 700 + 1201)])
      expect(out.data[i]).toBeCloseTo(srgbDecode(image.data[i]), 4)
  })

  it('predicts the same floats on the worker threads as on the calling thread', async () => {
    const single = await createEngine({ modelsDir: FIXTURES, model: 'unclip-fixture', stripWorkers: false })
    try {
      const image = floatImage(2400, 1500, clippedRamp)
      const threaded = await engine.predict(image)
      expect(Buffer.from(threaded.data.buffer).equals(Buffer.from((await single.predict(image)).data.buffer))).toBe(
        true
      )
    } finally {
      await single.dispose()
    }
  })

  it('boosts the clipped region of a reduced photo and stays smooth across it', async () => {
    const image = floatImage(3000, 800, clippedRamp)
    const out = await engine.predict(image)
    const at = (x: number, y: number): number => out.data[3 * (y * 3000 + x)]
    expect(at(2990, 400)).toBeGreaterThan(3)
    expect(at(10, 400)).toBeCloseTo(srgbDecode(image.data[3 * (400 * 3000 + 10)]), 4)
    // Horizontal second differences of log radiance stay small everywhere (no blocks, no steps).
    let worst = 0
    for (let x = 1; x < 2999; x++) {
      const d2 = Math.log(at(x - 1, 400) + 1e-3) - 2 * Math.log(at(x, 400) + 1e-3) + Math.log(at(x + 1, 400) + 1e-3)
      worst = Math.max(worst, Math.abs(d2))
    }
    expect(worst).toBeLessThan(0.02)
  })

  it('tiles wide panoramas at low resolution without seams', async () => {
    // 6000×600 runs at 2560×256: three overlapping 1024-wide tiles.
    const width = 6000
    const height = 600
    const out = await engine.predict(floatImage(width, height, clippedRamp))
    const v = (x: number): number => Math.log(out.data[3 * (300 * width + x) + 1] + 1e-3)
    const d2 = Array.from({ length: width - 2 }, (_, i) => Math.abs(v(i) - 2 * v(i + 1) + v(i + 2)))
    expect(d2.reduce((a, b) => Math.max(a, b), 0)).toBeLessThan(0.02)
  })

  it('gives the same result from floats, 8-bit samples and 16-bit samples', async () => {
    const width = 1500
    const height = 900
    const raw8 = renderRaw(width, height, clippedRamp, 8)
    const raw16 = renderRaw(width, height, clippedRamp, 16)
    const floats = Float32Array.from(raw8, (v) => v / 255)
    const collect = async (source: Parameters<Engine['predictStrips']>[0]): Promise<Float32Array> => {
      const data = new Float32Array(width * height * 3)
      await engine.predictStrips(source, (strip, y) => data.set(strip.data, y * width * 3))
      return data
    }
    const a = await collect({ width, height, data: floats })
    const b = await collect({ width, height, bits: 8, data: raw8 })
    const c = await collect({ width, height, bits: 16, data: raw16 })
    let diff8 = 0
    let diff16 = 0
    for (let i = 0; i < a.length; i++) {
      diff8 = Math.max(diff8, Math.abs(a[i] - b[i]) / (a[i] + 1e-3))
      diff16 = Math.max(diff16, Math.abs(a[i] - c[i]) / (a[i] + 1e-3))
    }
    expect(diff8).toBeLessThan(1e-4)
    // 16-bit differs only by 8-bit rounding of the input (< 1/255 → a few % linear at most).
    expect(diff16).toBeLessThan(0.05)
  })

  it('handles 1×1, 1×N, N×1 and odd sizes', async () => {
    for (const [w, h] of [
      [1, 1],
      [1, 3000],
      [3000, 1],
      [37, 23],
      [1025, 3]
    ]) {
      const image = floatImage(w, h, clippedRamp)
      const out = await engine.predict(image)
      expect([out.width, out.height, out.data.length]).toEqual([w, h, w * h * 3])
      expect(out.data.every((v) => Number.isFinite(v) && v >= 0)).toBe(true)
    }
    const one = await engine.predict({ width: 1, height: 1, data: new Float32Array([0.5, 0.5, 0.5]) })
    expect(one.data[0]).toBeCloseTo(srgbDecode(0.5), 5)
  })

  it('rejects a malformed image with INVALID_ARGUMENT', async () => {
    const error = await engine.predict({ width: 2, height: 2, data: new Float32Array(5) }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnclipError)
    expect((error as UnclipError).code).toBe('INVALID_ARGUMENT')
    expect((error as UnclipError).message).toBe(
      'Expected an RGB image with positive integer size and width·height·3 values but received 2×2 with 5 values'
    )
  })

  it('cancels at the next strip, mid-prediction and before it starts', async () => {
    const width = 4000
    const height = 3000
    const source = { width, height, bits: 8 as const, data: renderRaw(width, height, clippedRamp, 8) }
    const controller = new AbortController()
    let aborted = false
    let stripsAfterAbort = 0
    const started = engine.predictStrips(
      source,
      () => {
        if (aborted) stripsAfterAbort++
      },
      {
        signal: controller.signal,
        onProgress: (f) => {
          if (f > 0.5 && !aborted) {
            aborted = true
            controller.abort()
          }
        }
      }
    )
    const error = await started.catch((e: unknown) => e)
    // No strip is handed out after the abort; how fast that is, `npm run bench` measures (cancel).
    expect(aborted).toBe(true)
    expect(stripsAfterAbort).toBe(0)
    expect((error as UnclipError).code).toBe('CANCELLED')
    expect((error as UnclipError).message).toBe('Cancelled by the user.')

    const before = await engine.predict(floatImage(8, 8), { signal: AbortSignal.abort() }).catch((e: unknown) => e)
    expect((before as UnclipError).code).toBe('CANCELLED')
  })
})
