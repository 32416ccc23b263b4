import { describe, expect, it } from 'vitest'
import { prng } from '../../../test/helpers/random'
import { createRadianceEncoder } from './radiance-encoder'

/** RGBE by the book (Ward's `float2rgbe` with round-to-nearest): frexp through Math.log2, no bit tricks. */
function referenceRgbe(r: number, g: number, b: number): number[] {
  const clamp = (v: number): number => (v > 0 ? Math.min(v, 255 * 2 ** 119) : 0)
  ;[r, g, b] = [clamp(r), clamp(g), clamp(b)]
  const max = Math.max(r, g, b)
  if (max === 0) return [0, 0, 0, 0]
  let e = Math.floor(Math.log2(max)) + 1
  // Math.log2 can round across an integer for values a hair below a power of two.
  if (max >= 2 ** e) e++
  if (max < 2 ** (e - 1)) e--
  let scale = 2 ** (8 - e)
  if (Math.round(max * scale) === 256) {
    e++
    scale /= 2
  }
  if (e + 128 < 1) return [0, 0, 0, 0]
  return [Math.round(r * scale), Math.round(g * scale), Math.round(b * scale), e + 128]
}

/** Decodes run-length or flat scanlines back to RGBE quadruples, to compare bytes not floats. */
function scanlinePixels(bytes: Uint8Array, width: number, height: number): number[][] {
  const pixels: number[][] = []
  let pos = 0
  for (let y = 0; y < height; y++) {
    const planes = [0, 1, 2, 3].map(() => new Array<number>(width))
    if (bytes[pos] === 2 && bytes[pos + 1] === 2) {
      pos += 4
      for (const plane of planes) {
        for (let x = 0; x < width;) {
          const count = bytes[pos++]
          if (count === 0 || pos > bytes.length) throw new Error(`bad run-length count at byte ${pos - 1}`)
          if (count > 128) {
            plane.fill(bytes[pos++], x, x + count - 128)
            x += count - 128
          } else {
            for (let k = 0; k < count; k++) plane[x++] = bytes[pos++]
          }
        }
      }
    } else {
      for (let x = 0; x < width; x++) for (let c = 0; c < 4; c++) planes[c][x] = bytes[pos++]
    }
    for (let x = 0; x < width; x++) pixels.push(planes.map((plane) => plane[x]))
  }
  expect(pos).toBe(bytes.length)
  return pixels
}

describe('Radiance encoder pixels', () => {
  // Values that stress the exponent: powers of two and their neighbours, the carry to 256,
  // float32 subnormals, the clamp at the top, and noise over 60 orders of magnitude.
  const random = prng(7)
  const special = [
    0,
    -1,
    NaN,
    Infinity,
    1,
    0.5,
    255.5 / 256,
    0.99805,
    0.9980469,
    2 ** -126,
    2 ** -127,
    2 ** -128,
    2 ** -129,
    1.2e-38,
    1e-40,
    3e38,
    1.7e38,
    1.69e38
  ]
  const values: number[] = []
  for (const v of special) for (const u of special) values.push(v, u, random())
  for (let i = 0; i < 30000; i++) {
    const magnitude = 10 ** (random() * 60 - 40)
    values.push(random() * magnitude, random() * magnitude * (random() < 0.1 ? 0 : 1), random() * magnitude)
  }
  const data = Float32Array.from(values)
  const width = 97
  const height = Math.floor(data.length / 3 / width)
  const rows = data.subarray(0, width * height * 3)
  const expected = Array.from({ length: width * height }, (_, i) =>
    referenceRgbe(rows[3 * i], rows[3 * i + 1], rows[3 * i + 2])
  )

  // The first differing pixel with its input, not a diff of 30 000 pixels.
  const firstMismatch = (pixels: number[][]): unknown => {
    const i = pixels.findIndex((p, k) => p.join() !== expected[k].join())
    return i < 0 ? null : { input: Array.from(rows.subarray(3 * i, 3 * i + 3)), got: pixels[i], expected: expected[i] }
  }

  it('match the reference RGBE bytes exactly, run-length coded', () => {
    const encoder = createRadianceEncoder(width, height)
    expect(firstMismatch(scanlinePixels(encoder.encodeRows(rows), width, height))).toBeNull()
  })

  it('match the reference RGBE bytes exactly, flat', () => {
    const encoder = createRadianceEncoder(width, height, { rle: false })
    expect(firstMismatch(scanlinePixels(encoder.encodeRows(rows), width, height))).toBeNull()
  })

  it('code runs of 4 to 127 equal bytes as runs and shorter ones as literals', () => {
    const width = 400
    const row = new Float32Array(width * 3)
    // Exponent plane: 3 equal, then 130 equal (a run of 127 and 3 literals), then alternating.
    for (let x = 0; x < width; x++) {
      const v = x < 3 ? 1 : x < 133 ? 4 : x % 2 ? 0.25 : 16
      row.fill(v, 3 * x, 3 * x + 3)
    }
    const bytes = createRadianceEncoder(width, 1).encodeRows(row)
    expect(scanlinePixels(bytes, width, 1).map((p) => p[3])).toEqual(
      Array.from({ length: width }, (_, x) => (x < 3 ? 129 : x < 133 ? 131 : x % 2 ? 127 : 133))
    )
    // Mantissa planes are all 128: runs of 127, 127, 127, 19 (4 × 2 bytes each).
    expect(Array.from(bytes.subarray(4, 12))).toEqual([255, 128, 255, 128, 255, 128, 147, 128])
    // Exponent plane: 3 literals, a run of 127, then 270 literals in blocks of 128, 128, 14.
    const exponents = 4 + 3 * 8
    expect(Array.from(bytes.subarray(exponents, exponents + 7))).toEqual([3, 129, 129, 129, 255, 131, 128])
    expect(bytes.length).toBe(exponents + 6 + 3 + 270)
  })
})
