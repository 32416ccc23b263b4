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
export function boxMean(
  src: Float32Array,
  width: number,
  height: number,
  r: number,
  out: Float32Array,
  scratch: Float32Array
): Float32Array {
  // 1 / (pixels the window covers) along each axis; only the 2r border entries differ from 1/(2r+1).
  const inverseX = inverseCounts(width, r)
  // Columns whose window still gains a value on the right: [0, entering); loses one on the left: [r, width).
  const entering = Math.max(0, width - r - 1)
  const bothEnds = Math.min(r, entering)
  for (let y = 0; y < height; y++) {
    const row = y * width
    let sum = 0
    for (let x = 0; x <= Math.min(r, width - 1); x++) sum += src[row + x]
    // Each column: its mean, then the value entering, then the one leaving (the same order in every
    // range, so the same sums); the ranges spare the loop two tests a pixel.
    let x = 0
    for (; x < bothEnds; x++) {
      scratch[row + x] = sum * inverseX[x]
      sum += src[row + x + r + 1]
    }
    for (; x < entering; x++) {
      scratch[row + x] = sum * inverseX[x]
      sum += src[row + x + r + 1]
      sum -= src[row + x - r]
    }
    for (; x < width; x++) {
      scratch[row + x] = sum * inverseX[x]
      if (x >= r) sum -= src[row + x - r]
    }
  }
  const inverseY = inverseCounts(height, r)
  const columns = new Float64Array(width)
  for (let y = 0; y <= Math.min(r, height - 1); y++)
    for (let x = 0; x < width; x++) columns[x] += scratch[y * width + x]
  for (let y = 0; y < height; y++) {
    const inverse = inverseY[y]
    const row = y * width
    const enter = y + r + 1
    const leave = y - r
    if (enter < height && leave >= 0) {
      // One pass where a row enters and one leaves: the same two operations, in the same order.
      for (let x = 0, e = enter * width, l = leave * width; x < width; x++) {
        const column = columns[x]
        out[row + x] = column * inverse
        columns[x] = column + scratch[e + x] - scratch[l + x]
      }
      continue
    }
    for (let x = 0; x < width; x++) out[row + x] = columns[x] * inverse
    if (enter < height) for (let x = 0, e = enter * width; x < width; x++) columns[x] += scratch[e + x]
    if (leave >= 0) for (let x = 0, l = leave * width; x < width; x++) columns[x] -= scratch[l + x]
  }
  return out
}

function inverseCounts(length: number, r: number): Float64Array {
  return Float64Array.from({ length }, (_, i) => 1 / (Math.min(i + r, length - 1) - Math.max(i - r, 0) + 1))
}
