import { describe, expect, it } from 'vitest'
import { UnclipError } from '../errors'
import {
  autoWhitePoint,
  DEFAULT_TONEMAP,
  HIGHLIGHT_KNEE,
  luminance,
  srgbDecode,
  srgbEncode,
  toneMapImage,
  toneMapPixel
} from './tonemap'
import type { RgbImage, ToneMapSettings } from '../types'

const plain: ToneMapSettings = { operator: 'reinhard', exposureEv: 0, whitePoint: Infinity, gamma: 1 }
const reinhard4: ToneMapSettings = { operator: 'reinhard', exposureEv: 0, whitePoint: 4, gamma: 1 }
const highlights: ToneMapSettings = { operator: 'highlights', exposureEv: 0, whitePoint: 40, gamma: 1 }
const exposure: ToneMapSettings = { operator: 'exposure', exposureEv: 0, whitePoint: 4, gamma: 1 }

function image(pixels: number[][]): RgbImage {
  return { width: pixels.length, height: 1, data: Float32Array.from(pixels.flat()) }
}

describe('sRGB curves', () => {
  it('match IEC 61966-2-1 at known points', () => {
    expect(srgbEncode(0)).toBe(0)
    expect(srgbEncode(1)).toBeCloseTo(1, 12)
    expect(srgbEncode(0.5)).toBeCloseTo(0.735356983, 8)
    expect(srgbEncode(0.0031308)).toBeCloseTo(0.0404499, 6)
    expect(srgbEncode(0.001)).toBeCloseTo(0.01292, 12)
    expect(srgbDecode(0.5)).toBeCloseTo(0.21404114, 8)
    expect(srgbDecode(0.04)).toBeCloseTo(0.04 / 12.92, 12)
  })

  it('are inverses across [0,1]', () => {
    for (let v = 0; v <= 1; v += 1 / 1024) expect(srgbDecode(srgbEncode(v))).toBeCloseTo(v, 10)
  })
})

describe('luminance', () => {
  it('uses Rec.709 weights', () => {
    expect(luminance(1, 0, 0)).toBe(0.2126)
    expect(luminance(0, 1, 0)).toBe(0.7152)
    expect(luminance(0, 0, 1)).toBe(0.0722)
    expect(luminance(1, 1, 1)).toBeCloseTo(1, 12)
  })
})

describe('toneMapPixel', () => {
  it('plain Reinhard maps L=1 to 0.5 linear, 0.7354 display', () => {
    const [r, g, b] = toneMapPixel(1, 1, 1, plain)
    expect(r).toBeCloseTo(0.735357, 6)
    expect(g).toBe(r)
    expect(b).toBe(r)
  })

  it('extended Reinhard maps the white point to exactly 1', () => {
    for (const w of [1, 2, 4, 16]) {
      const [r] = toneMapPixel(w, w, w, { ...plain, whitePoint: w })
      expect(r).toBeCloseTo(1, 12)
    }
  })

  it('extended Reinhard follows Ld = L(1+L/W²)/(1+L)', () => {
    const [r] = toneMapPixel(2, 2, 2, reinhard4)
    expect(r).toBeCloseTo(srgbEncode((2 * (1 + 2 / 16)) / 3), 12)
  })

  it('is monotonic in luminance', () => {
    let previous = -1
    for (let v = 0; v <= 64; v += 0.01) {
      const [r] = toneMapPixel(v, v, v, reinhard4)
      expect(r).toBeGreaterThanOrEqual(previous)
      previous = r
    }
  })

  it('highlights leaves every pixel whose brightest channel is at most the knee exactly as sRGB', () => {
    for (const [r, g, b] of [
      [0.1, 0.2, 0.3],
      [HIGHLIGHT_KNEE, 0.5, 0.01],
      [0, 0, 0]
    ]) {
      expect(toneMapPixel(r, g, b, highlights)).toEqual([srgbEncode(r), srgbEncode(g), srgbEncode(b)])
    }
  })

  it('highlights puts the white point on 1, keeps colour ratios and rises monotonically above the knee', () => {
    expect(toneMapPixel(40, 40, 40, highlights)[0]).toBeCloseTo(1, 12)
    const [r, g, b] = toneMapPixel(8, 4, 2, highlights)
    const linear = [srgbDecode(r), srgbDecode(g), srgbDecode(b)]
    expect(linear[0] / linear[1]).toBeCloseTo(2, 10)
    expect(linear[1] / linear[2]).toBeCloseTo(2, 10)
    let previous = -1
    let slope = 0
    for (let v = HIGHLIGHT_KNEE; v <= 40; v += 0.01) {
      const out = srgbDecode(toneMapPixel(v, v, v, highlights)[0])
      expect(out).toBeGreaterThan(previous)
      if (previous >= 0 && slope === 0) slope = (out - previous) / 0.01
      previous = out
    }
    // Slope 1 at the knee: no kink where the input's tones end and the shoulder starts.
    expect(slope).toBeCloseTo(1, 1)
  })

  it('highlights with white point 1 is a plain clip', () => {
    expect(toneMapPixel(0.9, 2, 0.3, { ...highlights, whitePoint: 1 })).toEqual(toneMapPixel(0.9, 2, 0.3, exposure))
  })

  it("autoWhitePoint puts the result's peak, after exposure, on white and never goes below 1", () => {
    expect(autoWhitePoint(40, 0)).toBe(40)
    expect(autoWhitePoint(40, -1)).toBe(20)
    expect(autoWhitePoint(0.8, 0)).toBe(1)
    expect(autoWhitePoint(NaN, 0)).toBe(1)
  })

  it('keeps colour ratios while no channel clips', () => {
    const [r, g, b] = toneMapPixel(0.8, 0.4, 0.2, { ...plain, exposureEv: -1 })
    const linear = [srgbDecode(r), srgbDecode(g), srgbDecode(b)]
    expect(linear[0] / linear[1]).toBeCloseTo(2, 10)
    expect(linear[1] / linear[2]).toBeCloseTo(2, 10)
  })

  it('shifts by 2^EV before the operator', () => {
    expect(toneMapPixel(0.25, 0.25, 0.25, { ...exposure, exposureEv: 1 })[0]).toBeCloseTo(srgbEncode(0.5), 12)
    expect(toneMapPixel(2, 2, 2, { ...plain, exposureEv: -1 })).toEqual(toneMapPixel(1, 1, 1, plain))
  })

  it('exposure operator clamps to [0,1]', () => {
    const [r, g, b] = toneMapPixel(3, -1, 0.5, exposure)
    expect(r).toBe(srgbEncode(1))
    expect(g).toBe(0)
    expect(b).toBe(srgbEncode(0.5))
  })

  it('maps black, negative luminance and NaN to 0', () => {
    expect(toneMapPixel(0, 0, 0, DEFAULT_TONEMAP)).toEqual([0, 0, 0])
    expect(toneMapPixel(-1, -1, -1, DEFAULT_TONEMAP)).toEqual([0, 0, 0])
    expect(toneMapPixel(NaN, 0.5, 0.5, exposure)[0]).toBe(0)
  })

  it('applies gamma as v^(1/gamma) after the sRGB encode', () => {
    const [base] = toneMapPixel(0.3, 0.3, 0.3, exposure)
    const [gamma2] = toneMapPixel(0.3, 0.3, 0.3, { ...exposure, gamma: 2 })
    expect(gamma2).toBeCloseTo(Math.sqrt(base), 12)
  })

  it.each([
    [{ operator: 'filmic' }, "Expected tone-map operator 'highlights', 'reinhard', 'exposure' but received 'filmic'"],
    [{ exposureEv: NaN }, 'Expected finite number for exposureEv but received NaN of type number'],
    [{ exposureEv: Infinity }, 'Expected finite number for exposureEv but received Infinity of type number'],
    [{ whitePoint: 0 }, 'Expected positive number for whitePoint but received 0 of type number'],
    [{ whitePoint: NaN }, 'Expected positive number for whitePoint but received NaN of type number'],
    [{ gamma: -1 }, 'Expected positive finite number for gamma but received -1 of type number'],
    [{ gamma: Infinity }, 'Expected positive finite number for gamma but received Infinity of type number']
  ])('rejects %o', (patch, message) => {
    const settings = { ...DEFAULT_TONEMAP, ...patch } as ToneMapSettings
    expect(() => toneMapPixel(1, 1, 1, settings)).toThrow(new UnclipError('INVALID_ARGUMENT', message))
    try {
      toneMapPixel(1, 1, 1, settings)
    } catch (error) {
      expect((error as UnclipError).code).toBe('INVALID_ARGUMENT')
    }
  })
})

describe('toneMapImage', () => {
  it('rounds to nearest at 8 and 16 bits and matches toneMapPixel', () => {
    const pixels = [
      [0.5, 0.25, 0.125],
      [1, 1, 1],
      [0, 0.002, 20]
    ]
    const img = image(pixels)
    const out8 = toneMapImage(img, DEFAULT_TONEMAP, 8)
    const out16 = toneMapImage(img, DEFAULT_TONEMAP, 16)
    expect(out8).toBeInstanceOf(Uint8Array)
    expect(out16).toBeInstanceOf(Uint16Array)
    pixels.forEach(([r, g, b], p) => {
      const expected = toneMapPixel(r, g, b, DEFAULT_TONEMAP)
      for (let c = 0; c < 3; c++) {
        expect(out8[p * 3 + c]).toBe(Math.round(expected[c] * 255))
        expect(out16[p * 3 + c]).toBe(Math.round(expected[c] * 65535))
      }
    })
  })

  it('puts half-way values on the right side of the rounding boundary', () => {
    // Exposure mode with gamma 1: display = srgbEncode(v). Choose v whose display value is just
    // above and below 100.5/255 so a truncating implementation gets the first one wrong.
    const above = srgbDecode(100.5001 / 255)
    const below = srgbDecode(100.4999 / 255)
    const out = toneMapImage(image([[above, below, 1]]), exposure, 8)
    expect(Array.from(out)).toEqual([101, 100, 255])
  })

  it('agrees with toneMapPixel on every sample of a wide random image, at any gamma and depth', () => {
    let seed = 12345
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const data = new Float32Array(3 * 20000).map(() => Math.pow(random(), 3) * 6)
    const img = { width: 20000, height: 1, data }
    for (const settings of [
      DEFAULT_TONEMAP,
      { ...exposure, exposureEv: -1.3, gamma: 2.2 },
      { ...plain, gamma: 0.45 }
    ]) {
      for (const bits of [8, 16] as const) {
        const max = bits === 8 ? 255 : 65535
        const out = toneMapImage(img, settings, bits)
        for (let p = 0; p < 20000; p++) {
          const expected = toneMapPixel(data[p * 3], data[p * 3 + 1], data[p * 3 + 2], settings)
          for (let c = 0; c < 3; c++) expect(out[p * 3 + c]).toBe(Math.round(expected[c] * max))
        }
      }
    }
  })

  it('is deterministic', () => {
    const data = new Float32Array(300).map((_, i) => (i * 0.37) % 7)
    const img = { width: 10, height: 10, data }
    expect(toneMapImage(img, DEFAULT_TONEMAP, 16)).toEqual(toneMapImage(img, DEFAULT_TONEMAP, 16))
  })

  it('rejects bad bit depths and shapes', () => {
    expect(() => toneMapImage(image([[1, 1, 1]]), DEFAULT_TONEMAP, 12 as 8)).toThrow(
      new UnclipError('INVALID_ARGUMENT', 'Expected bit depth 8 or 16 but received 12 of type number')
    )
    expect(() => toneMapImage({ width: 2, height: 2, data: new Float32Array(3) }, DEFAULT_TONEMAP, 8)).toThrow(
      new UnclipError('INVALID_ARGUMENT', 'Expected 2×2×3 = 12 samples but received 3')
    )
  })
})
