import { describe, expect, it } from 'vitest'
import { downscaleArea } from './resample'
import type { PixelSource } from '../types'

/** The area average written out pixel by pixel: rows summed down each column, then the columns, in float64. */
function reference(image: PixelSource, width: number, height: number): Float32Array {
  const { width: W, height: H, data } = image
  const unit = data instanceof Uint8Array ? 1 / 255 : data instanceof Uint16Array ? 1 / 65535 : 1
  const out = new Float32Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    const [r0, r1] = [Math.floor((y * H) / height), Math.floor(((y + 1) * H) / height)]
    for (let x = 0; x < width; x++) {
      const [c0, c1] = [Math.floor((x * W) / width), Math.floor(((x + 1) * W) / width)]
      for (let k = 0; k < 3; k++) {
        let sum = 0
        for (let c = c0; c < c1; c++) {
          let column = data[3 * (r0 * W + c) + k]
          for (let r = r0 + 1; r < r1; r++) column += data[3 * (r * W + c) + k]
          sum += column
        }
        out[3 * (y * width + x) + k] = sum * (unit / ((c1 - c0) * (r1 - r0)))
      }
    }
  }
  return out
}

describe('downscaleArea', () => {
  it('averages each covered block exactly, for floats and 8- and 16-bit samples, at whole and fractional ratios', () => {
    const [W, H] = [97, 61]
    const floats = Float32Array.from({ length: W * H * 3 }, (_, i) => ((i * 7919) % 1000) / 997)
    const sources: PixelSource[] = [
      { width: W, height: H, data: floats },
      { width: W, height: H, bits: 8, data: Uint8Array.from(floats, (v) => Math.round(v * 255)) },
      { width: W, height: H, bits: 16, data: Uint16Array.from(floats, (v) => Math.round(v * 65535)) }
    ]
    for (const source of sources) {
      for (const [w, h] of [
        [97, 61],
        [40, 30],
        [33, 7],
        [1, 1]
      ]) {
        const reduced = downscaleArea(source, w, h)
        expect([reduced.width, reduced.height]).toEqual([w, h])
        // Exact: the same sums in the same order (the app's previews and the model's input).
        expect(reduced.data).toEqual(reference(source, w, h))
      }
    }
  })
})
