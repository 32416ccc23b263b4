import { describe, expect, it } from 'vitest'
import { boxMean } from './box-filter'

/** The definition, computed the slow way. */
function naiveBoxMean(src: Float32Array, width: number, height: number, r: number): number[] {
  const out: number[] = []
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0
      let count = 0
      for (let v = Math.max(0, y - r); v <= Math.min(height - 1, y + r); v++) {
        for (let u = Math.max(0, x - r); u <= Math.min(width - 1, x + r); u++) {
          sum += src[v * width + u]
          count++
        }
      }
      out.push(sum / count)
    }
  }
  return out
}

describe('boxMean', () => {
  it('matches the windowed mean, windows cut at the borders, for any radius and shape', () => {
    for (const [width, height, r] of [
      [7, 5, 1],
      [7, 5, 4],
      [1, 9, 2],
      [13, 1, 0],
      [6, 6, 10]
    ]) {
      const src = Float32Array.from({ length: width * height }, (_, i) => Math.sin(i * 1.7) * 3 + (i % 5))
      const out = boxMean(src, width, height, r, new Float32Array(width * height), new Float32Array(width * height))
      naiveBoxMean(src, width, height, r).forEach((expected, i) => expect(out[i]).toBeCloseTo(expected, 5))
    }
  })

  it('may write over its input', () => {
    const src = Float32Array.from({ length: 20 }, (_, i) => i * i)
    const expected = naiveBoxMean(src, 5, 4, 1)
    const out = boxMean(src, 5, 4, 1, src, new Float32Array(20))
    expect(out).toBe(src)
    expected.forEach((value, i) => expect(out[i]).toBeCloseTo(value, 4))
  })
})
