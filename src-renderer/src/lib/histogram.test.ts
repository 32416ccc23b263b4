import { describe, expect, it } from 'vitest'
import {
  binStartStops,
  decodeSrgbImage,
  DEFAULT_HISTOGRAM_RANGE,
  fineLogHistogram,
  logLuminanceHistogram,
  shiftHistogram,
  type HistogramRange
} from './histogram'
import { TONE_LIMITS } from '../../../src-main/engine/domain/tone-limits'

const range: HistogramRange = { minStops: -4, maxStops: 4, bins: 8 }

function grey(...values: number[]): Float32Array {
  return new Float32Array(values.flatMap((v) => [v, v, v]))
}

describe('logLuminanceHistogram', () => {
  it('puts each grey level in the bin of its log2', () => {
    // log2: 0 → bin 4, 1 → bin 5, −1 → bin 3, 3.5 → bin 7.
    const counts = logLuminanceHistogram(grey(1, 2, 0.5, 2 ** 3.5), range)
    expect(Array.from(counts)).toEqual([0, 0, 0, 1, 1, 1, 0, 1])
  })

  it('counts black and out-of-range pixels in the edge bins', () => {
    const counts = logLuminanceHistogram(grey(0, 2 ** -9, 2 ** 9, -1), range)
    expect(counts[0]).toBe(3)
    expect(counts[7]).toBe(1)
    expect(counts.reduce((a, b) => a + b, 0)).toBe(4)
  })

  it('weights channels by Rec.709 luminance', () => {
    // Pure green of 1.0 has luminance 0.7152 → log2 ≈ −0.48 → bin 3.
    const counts = logLuminanceHistogram(new Float32Array([0, 1, 0]), range)
    expect(counts[3]).toBe(1)
  })

  it('shifts by the exposure offset', () => {
    const counts = logLuminanceHistogram(grey(1), range, 2)
    expect(counts[6]).toBe(1)
  })
})

describe('shiftHistogram', () => {
  // Log-uniform radiances over the whole range, black and far out-of-range pixels included.
  let seed = 7
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  const rgb = new Float32Array(30_000).map((_, i) => (i % 997 === 0 ? 0 : 2 ** (-20 + 34 * random())))

  it('equals recounting the image at every slider step', () => {
    const { min, max, step } = TONE_LIMITS.exposureEv
    const fine = fineLogHistogram(rgb, DEFAULT_HISTOGRAM_RANGE, Math.max(-min, max))
    for (let ev = min; ev <= max + 1e-9; ev += step) {
      const offset = Math.round(ev / step) * step
      const shifted = shiftHistogram(fine, DEFAULT_HISTOGRAM_RANGE, offset)
      expect(Array.from(shifted), `EV ${offset.toFixed(1)}`).toEqual(
        Array.from(logLuminanceHistogram(rgb, DEFAULT_HISTOGRAM_RANGE, offset))
      )
    }
  })

  it('keeps every pixel, however far the shift', () => {
    const fine = fineLogHistogram(rgb, DEFAULT_HISTOGRAM_RANGE, 5)
    const total = shiftHistogram(fine, DEFAULT_HISTOGRAM_RANGE, 5).reduce((a, b) => a + b, 0)
    expect(total).toBe(rgb.length / 3)
  })
})

describe('decodeSrgbImage', () => {
  it('linearises sRGB codes within the 1/4096 lookup step', () => {
    const out = decodeSrgbImage(new Float32Array([0, 0.5, 1, 1.5, -0.2]))
    expect(out[0]).toBe(0)
    expect(out[1]).toBeCloseTo(0.214, 3)
    expect(out[2]).toBe(1)
    expect(out[3]).toBe(1)
    expect(out[4]).toBe(0)
  })
})

describe('binStartStops', () => {
  it('maps bins to their left edge in stops', () => {
    expect(binStartStops(0, range)).toBe(-4)
    expect(binStartStops(5, range)).toBe(1)
  })
})
