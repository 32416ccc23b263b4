import { mkdtempSync, rmSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { convertFile } from './convert'
import { isLinearFormat } from '../domain/formats'
import { LOW_LIGHT_DISPLAY_TONEMAP, srgbDecode } from '../imaging/tonemap'
import { createEngine, type Engine } from './engine'
import {
  blackLevel,
  blackToe,
  compressHighlight,
  DEFAULT_LOW_LIGHT_CONTROLS,
  exposureGain,
  LOW_LIGHT_KEY,
  LOW_LIGHT_KNEE,
  processLowLight,
  processLowLightAsync,
  whitePointOf,
  type LowLightStep
} from './lowlight'
import { keepSrgbBelowHighlights } from './lowlight-run'
import { UnclipError } from '../errors'
import { estimateNoise, guidedFilter } from '../imaging/denoise'
import { decodeRadiance } from '../codecs/radiance-decoder'
import { luminance, srgbEncode, toneMapImage } from '../imaging/tonemap'
import type { RgbImage } from '../types'

/** Deterministic standard normal draws (xorshift + Box–Muller), so the noise tests never flake. */
function gaussian(seed: number): () => number {
  let s = seed >>> 0 || 1
  const uniform = (): number => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return ((s >>> 0) + 0.5) / 4294967296
  }
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())
}

/** A dark linear scene: a left-to-right ramp 0.002..0.02, a flat right third, and a small bright lamp. */
function darkScene(width: number, height: number, noise = 0): RgbImage {
  const next = gaussian(7)
  const data = new Float32Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const flat = x >= (2 * width) / 3
      const lamp = Math.hypot(x - width / 4, y - height / 4) < 3
      const v = lamp ? 0.5 : flat ? 0.008 : 0.002 + (0.018 * x) / width
      for (let c = 0; c < 3; c++) data[3 * (y * width + x) + c] = Math.max(0, v * (c === 2 ? 0.8 : 1) + noise * next())
    }
  }
  return { width, height, data }
}

/** Standard deviation of the sRGB-encoded green channel over the flat right third. */
function flatStd(image: RgbImage, scale = 1): number {
  const values: number[] = []
  for (let y = 4; y < image.height - 4; y++) {
    for (let x = Math.ceil((2 * image.width) / 3) + 4; x < image.width - 4; x++) {
      values.push(srgbEncode(Math.min(1, image.data[3 * (y * image.width + x) + 1] * scale)))
    }
  }
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length)
}

function clippedMean(image: RgbImage, gain: number): number {
  let sum = 0
  const n = image.width * image.height
  for (let i = 0; i < n; i++)
    sum += Math.min(1, gain * luminance(image.data[3 * i], image.data[3 * i + 1], image.data[3 * i + 2]))
  return sum / n
}

describe('exposureGain', () => {
  it('brings the mean clipped luminance of a dark image to the key', () => {
    const scene = darkScene(96, 64)
    const gain = exposureGain(scene)
    expect(gain).toBeGreaterThan(10)
    expect(clippedMean(scene, gain)).toBeCloseTo(LOW_LIGHT_KEY, 4)
  })

  it('scales inversely with the exposure and caps a black image at 2^16', () => {
    const scene = darkScene(32, 32)
    const darker = { ...scene, data: scene.data.map((v) => v / 8) }
    expect(exposureGain(darker) / exposureGain(scene)).toBeCloseTo(8, 3)
    expect(exposureGain({ width: 4, height: 4, data: new Float32Array(48) })).toBe(2 ** 16)
  })
})

describe('compressHighlight', () => {
  it('is the identity below the knee, continuous at it, and reaches 1 at the white point', () => {
    expect(compressHighlight(0.5, 4)).toBe(0.5)
    expect(compressHighlight(LOW_LIGHT_KNEE + 1e-6, 4)).toBeCloseTo(LOW_LIGHT_KNEE, 5)
    expect(compressHighlight(4, 4)).toBeCloseTo(1, 12)
    expect(compressHighlight(2, 4)).toBeLessThan(1)
    expect(compressHighlight(0.9, 1)).toBeCloseTo(0.9, 12)
  })

  it('takes the white point from the image, never below 1', () => {
    expect(whitePointOf({ width: 2, height: 1, data: Float32Array.of(0.1, 0.2, 0.3, 0.1, 0.1, 0.1) })).toBe(1)
  })
})

describe('estimateNoise', () => {
  it('measures Gaussian noise on a smooth ramp within 10%', () => {
    const next = gaussian(3)
    const width = 200
    const data = Float32Array.from({ length: width * 150 }, (_, i) => (i % width) / width + 0.05 * next())
    expect(estimateNoise({ width, height: 150, data })).toBeCloseTo(0.05, 2)
  })
})

describe('guidedFilter', () => {
  it('smooths flat noise and keeps a strong step', () => {
    const next = gaussian(5)
    const width = 64
    const data = Float32Array.from({ length: width * 32 }, (_, i) => (i % width < 32 ? 0.2 : 0.8) + 0.02 * next())
    const out = guidedFilter({ width, height: 32, data }, { width, height: 32, data }, 3, 0.03 ** 2).data
    const row = 16 * width
    expect(Math.abs(out[row + 10] - 0.2)).toBeLessThan(0.02)
    expect(out[row + 40] - out[row + 24]).toBeGreaterThan(0.55)
  })

  it('keeps flat areas of a noise-free plane with no smoothing (eps 0) instead of NaN', () => {
    const data = Float32Array.from({ length: 16 * 8 }, (_, i) => (i % 16 < 8 ? 0.25 : 0.5))
    const out = guidedFilter({ width: 16, height: 8, data }, { width: 16, height: 8, data }, 2, 0)
    expect([out.data[16 * 3], out.data[16 * 3 + 15]]).toEqual([0.25, 0.5])
    expect(out.data.every(Number.isFinite)).toBe(true)
  })
})

describe('processLowLight', () => {
  const noisy = darkScene(96, 72, 0.0015)
  const result = processLowLight(noisy)

  it('exposes to the key and keeps 8-bit output in range', () => {
    expect(clippedMean(noisy, result.gain)).toBeCloseTo(LOW_LIGHT_KEY, 4)
    expect(result.display.data.every((v) => v >= 0 && v <= 1)).toBe(true)
    const pixels = toneMapImage(result.display, LOW_LIGHT_DISPLAY_TONEMAP, 8)
    expect(pixels).toBeInstanceOf(Uint8Array)
    // Mid-grey key: the flat area (0.008 linear, ~the scene's mean) lands near sRGB 0.46·255.
    expect(pixels[3 * (36 * 96 + 80) + 1]).toBeGreaterThan(90)
  })

  it('clips at most 0.1% of pixels although the lamp is far above white', () => {
    const n = noisy.width * noisy.height
    let clipped = 0
    for (let i = 0; i < n; i++) if (Math.max(...result.display.data.subarray(3 * i, 3 * i + 3)) >= 1) clipped++
    expect(clipped / n).toBeLessThanOrEqual(0.001 + 1 / n)
    expect(result.whitePoint).toBeGreaterThan(1)
  })

  it('leaves less noise in a flat region than the same gain alone', () => {
    const plain = flatStd(noisy, result.gain)
    expect(plain).toBeGreaterThan(0.02)
    expect(flatStd(result.linear)).toBeLessThan(plain / 2)
  })

  it('sends linear formats the radiance and the rest the display picture', () => {
    expect(['hdr', 'exr', 'jpg-hdr'].map(isLinearFormat)).toEqual([true, true, true])
    expect(['png', 'png16', 'jpg'].map(isLinearFormat)).toEqual([false, false, false])
  })
})

describe('low-light controls and chunks', () => {
  const noisy = darkScene(96, 72, 0.0015)
  const base = processLowLight(noisy)

  it('brightness adds stops to the automatic gain; denoise 0 leaves the noise', () => {
    expect(processLowLight(noisy, { brightnessEv: 1, denoise: 1, blackPoint: 0.002 }).gain).toBeCloseTo(
      2 * base.gain,
      9
    )
    const raw = processLowLight(noisy, { brightnessEv: 0, denoise: 0, blackPoint: 0.002 })
    expect(flatStd(raw.linear)).toBeGreaterThan(2 * flatStd(base.linear))
  })

  it('the black point pulls the darkest pixels to black with a toe that leaves the rest alone', () => {
    const lifted = processLowLight(noisy, { brightnessEv: 0, denoise: 1, blackPoint: 0 })
    // The darkest channel's quantile, capped at two input codes' worth of light times the gain.
    const quantiles = [0, 1, 2].map((c) => blackLevel(lifted.linear, c, DEFAULT_LOW_LIGHT_CONTROLS.blackPoint))
    const black = Math.min(...quantiles, 2 * base.gain * srgbDecode(1 / 255))
    expect(black).toBeGreaterThan(0)
    let toed = 0
    for (let i = 0; i < lifted.linear.data.length; i++) {
      const v = lifted.linear.data[i]
      // The same toe on every channel: the identity from 8 levels up, darker below, never lighter.
      expect(base.linear.data[i]).toBe(Math.fround(blackToe(v, black)))
      if (v >= 8 * black) expect(base.linear.data[i]).toBe(v)
      else expect(base.linear.data[i]).toBeLessThanOrEqual(v)
      // Well inside the toe the change is above float rounding.
      if (v > 0 && v < 4 * black) {
        expect(base.linear.data[i]).toBeLessThan(v)
        toed++
      }
    }
    expect(toed).toBeGreaterThan(0)
  })

  it('the black point slider darkens the darks further over its whole range', () => {
    const sum = (blackPoint: number): number =>
      processLowLight(noisy, { brightnessEv: 0, denoise: 1, blackPoint }).linear.data.reduce((a, b) => a + b, 0)
    const totalLight = [0, 0.01, 0.02, 0.035, 0.05].map(sum)
    // Total light (a sum of pixel values, not a time) falls as the black point rises.
    for (let i = 1; i < totalLight.length; i++) expect(totalLight[i]).toBeLessThan(totalLight[i - 1])
  })

  it('blackToe is 0 at black, meets the identity smoothly at 8 levels and never decreases', () => {
    const b = 0.01
    expect(blackToe(0, b)).toBe(0)
    expect(blackToe(0.5 * b, b)).toBe(0)
    expect(blackToe(8 * b, b)).toBeCloseTo(8 * b, 12)
    const slope = (blackToe(8 * b, b) - blackToe(8 * b - 1e-7, b)) / 1e-7
    expect(slope).toBeCloseTo(1, 4)
    let last = 0
    for (let v = 0; v <= 10 * b; v += b / 50) {
      expect(blackToe(v, b)).toBeGreaterThanOrEqual(last)
      last = blackToe(v, b)
    }
  })

  it('names each chunk and stops at the first boundary after a cancel, leaving no result', async () => {
    const seen: LowLightStep[] = []
    const all = await processLowLightAsync(noisy, { onStep: (s) => seen.push(s) })
    expect(all.display.data).toEqual(base.display.data)
    // A photo under one slice: exposure, planes, noise, then five filter passes of six chunks each;
    // reconstruction, three black levels, the toe, white point.
    expect(seen.map((s) => s.stage)).toEqual([...Array<string>(33).fill('denoise'), ...Array<string>(6).fill('tone')])
    expect(Math.max(...seen.map((s) => s.fraction))).toBeLessThan(1)
    expect(seen.map((s) => s.fraction)).toEqual([...seen.map((s) => s.fraction)].sort())

    const controller = new AbortController()
    const after: LowLightStep[] = []
    const cancelled = processLowLightAsync(noisy, {
      signal: controller.signal,
      onStep: (s) => (controller.signal.aborted ? after.push(s) : s.fraction > 0.3 && controller.abort())
    })
    await expect(cancelled).rejects.toThrow(UnclipError)
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(after).toEqual([])
  })
})

describe('convertFile in low-light mode', () => {
  const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/models/', import.meta.url))
  const root = mkdtempSync(path.join(tmpdir(), 'unclip-lowlight-'))
  let engine: Engine
  const photo = path.join(root, 'dark.jpg')
  beforeAll(async () => {
    engine = await createEngine({ modelsDir: FIXTURES, model: 'unclip-fixture', provider: 'cpu' })
    const pixels = Buffer.alloc(48 * 32 * 3)
    for (let i = 0; i < pixels.length; i++) pixels[i] = 10 + ((i / 3) % 48)
    await sharp(pixels, { raw: { width: 48, height: 32, channels: 3 } })
      .jpeg({ quality: 95 })
      .toFile(photo)
  })
  afterAll(async () => {
    await engine.dispose()
    rmSync(root, { recursive: true, force: true })
  })

  it('is offered by every engine', () => {
    expect(engine.info.modes).toEqual(['hdr', 'lowlight'])
  })

  it('writes a PNG brighter than the input and an exposure-corrected .hdr', async () => {
    const base = path.join(root, 'out', 'dark')
    const result = await convertFile(engine, photo, {
      outDir: path.dirname(base),
      outputBase: base,
      formats: ['png', 'hdr'],
      mode: 'lowlight',
      overwrite: false
    })
    expect(result.outputs).toEqual([`${base}.png`, `${base}.hdr`])
    const mean = async (file: string): Promise<number> =>
      (await sharp(file).stats()).channels.slice(0, 3).reduce((a, c) => a + c.mean, 0) / 3
    expect(await mean(`${base}.png`)).toBeGreaterThan(2 * (await mean(photo)))
    const hdr = decodeRadiance(await readFile(`${base}.hdr`))
    expect(clippedMean(hdr, 1)).toBeCloseTo(LOW_LIGHT_KEY, 1)
  })
})

describe('keepSrgbBelowHighlights', () => {
  it("keeps the model's output only where its blend trusts it, the sRGB-linearised input elsewhere", () => {
    const source = {
      width: 1,
      height: 4,
      bits: 8 as const,
      data: Uint8Array.from([0, 0, 0, 128, 128, 128, 250, 10, 10, 255, 255, 255])
    }
    const hdr = new Float32Array(12).fill(9)
    keepSrgbBelowHighlights(source, hdr)
    const lin = (v: number): number => srgbDecode(v / 255)
    const alpha = (250 / 255 - 0.95) / 0.05
    expect(Array.from(hdr.subarray(0, 6))).toEqual([0, 0, 0, lin(128), lin(128), lin(128)].map(Math.fround))
    expect(hdr[6]).toBeCloseTo((1 - alpha) * lin(250) + alpha * 9, 5)
    expect(Array.from(hdr.subarray(7, 9))).toEqual([lin(10), lin(10)].map(Math.fround))
    expect(Array.from(hdr.subarray(9))).toEqual([9, 9, 9])
  })
})
