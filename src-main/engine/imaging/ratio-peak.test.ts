import { describe, expect, it } from 'vitest'
import { prng } from '../../../test/helpers/random'
import { applyRatioRows } from './guided-upsample'
import { fitRatioField } from './ratio-fit'
import { ratioPeak } from './ratio-peak'
import { downscaleArea } from './resample'
import { srgbDecode } from './tonemap'
import type { RgbImage, RgbSamples } from '../types'

/** An 8-bit photo with grain and a few clipped blobs, whose model output lifts the blobs by `gain`. */
function scene(seed: number, width: number, height: number, gain: number) {
  const random = prng(seed)
  const blobs = Array.from({ length: 4 }, () => [random() * width, random() * height, 2 + random() * 8])
  const samples = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const lit = blobs.some(([bx, by, r]) => (x - bx) ** 2 + (y - by) ** 2 < r * r)
      for (let c = 0; c < 3; c++)
        samples[(y * width + x) * 3 + c] = lit ? 255 : Math.min(254, Math.floor(40 + 150 * random() + 20 * c))
    }
  }
  const full: RgbSamples = { width, height, data: samples, bits: 8 }
  const floats: RgbImage = { width, height, data: Float32Array.from(samples, (v) => v / 255) }
  const small = downscaleArea(floats, Math.round(width / 5), Math.round(height / 5))
  const hdr = small.data.map((v) => (v > 0.97 ? srgbDecode(v) * gain * (1 + random()) : srgbDecode(v)))
  return { full, floats, field: fitRatioField(small, { ...small, data: hdr }) }
}

function fullPeak(field: ReturnType<typeof scene>['field'], full: RgbSamples | RgbImage): number {
  const out = new Float32Array(full.width * full.height * 3)
  applyRatioRows(field, full, 0, full.height, out)
  return out.reduce((m, v) => (v > m ? v : m), 0)
}

describe('ratioPeak', () => {
  it('equals the largest value of the whole result, bit for bit, for samples and floats', () => {
    for (const [seed, gain] of [
      [1, 8],
      [2, 40],
      [3, 1]
    ]) {
      const { full, floats, field } = scene(seed, 203, 131, gain)
      expect(ratioPeak(field, full)).toBe(fullPeak(field, full))
      expect(ratioPeak(field, floats)).toBe(fullPeak(field, floats))
    }
  })

  it('is the input peak where the model adds nothing', () => {
    const { full, field } = scene(4, 97, 64, 1)
    field.coefficients.fill(0)
    field.flat.fill(1)
    expect(ratioPeak(field, full)).toBe(1)
  })
})

describe('applyRatioRows on a part of the rows', () => {
  it('gives exactly the columns the whole rows would', () => {
    const { full, field } = scene(5, 150, 90, 20)
    const whole = new Float32Array(12 * full.width * 3)
    applyRatioRows(field, full, 40, 12, whole)
    const [x0, x1] = [33, 101]
    const part = new Float32Array(12 * (x1 - x0) * 3)
    applyRatioRows(field, full, 40, 12, part, x0, x1)
    for (let j = 0; j < 12; j++)
      expect(part.subarray(j * (x1 - x0) * 3, (j + 1) * (x1 - x0) * 3)).toEqual(
        whole.subarray((j * full.width + x0) * 3, (j * full.width + x1) * 3)
      )
  })
})
