/**
 * Box mean shared by the guided filters (the ratio upsampler and the low-light denoiser).
 */

/**
 * Mean over a (2r+1)² window, cut at the borders and averaged over the pixels it covers, so
 * borders are not darkened: running row sums, then running column sums row by row
 * (cache-friendly, O(1) per pixel whatever r).
 * @param src Input plane, `width·height` values.
 * @param width Plane width.
 * @param height Plane height.
 * @param r Window radius in pixels, ≥ 0.
 * @param out Receives the means; may be `src`.
 * @param scratch `width·height` floats of working space; neither `src` nor `out`.
 * @returns `out`.
 */
export function boxMean(src: Float32Array, width: number, height: number, r: number, out: Float32Array, scratch: Float32Array): Float32Array {
  for (let y = 0; y < height; y++) {
    const row = y * width
    let sum = 0
    for (let x = 0; x <= Math.min(r, width - 1); x++) sum += src[row + x]
    for (let x = 0; x < width; x++) {
      const lo = x - r
      const hi = x + r
      scratch[row + x] = sum / (Math.min(hi, width - 1) - Math.max(lo, 0) + 1)
      if (hi + 1 < width) sum += src[row + hi + 1]
      if (lo >= 0) sum -= src[row + lo]
    }
  }
  const columns = new Float64Array(width)
  for (let y = 0; y <= Math.min(r, height - 1); y++) for (let x = 0; x < width; x++) columns[x] += scratch[y * width + x]
  for (let y = 0; y < height; y++) {
    const count = Math.min(y + r, height - 1) - Math.max(y - r, 0) + 1
    const row = y * width
    for (let x = 0; x < width; x++) out[row + x] = columns[x] / count
    const enter = y + r + 1
    const leave = y - r
    if (enter < height) for (let x = 0; x < width; x++) columns[x] += scratch[enter * width + x]
    if (leave >= 0) for (let x = 0; x < width; x++) columns[x] -= scratch[leave * width + x]
  }
  return out
}
