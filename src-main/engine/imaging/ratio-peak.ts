/**
 * The largest value `applyRatioRows` would produce over a whole photo, without producing it all: the
 * app shows a preview-size result first, yet its automatic white point comes from the full-resolution
 * peak, and the export made later must match what was shown.
 *
 * Each low-res cell row (a band of full-res rows) gets an upper bound from its pixels' largest
 * samples and the extreme ratio its four corner cells allow; bands are then computed exactly, largest
 * bound first, until no band left could beat the peak found. Highlights are few, so most bands never
 * get computed.
 */
import { applyRatioRows, RATIO_EPSILON, type RatioField } from './guided-upsample'
import { lineariseSamples } from './srgb-tables'
import type { PixelSource } from '../types'

/** The ratio exponent is clamped to ±16 (`tableExp`); its table interpolates between steps of 1/256. */
const EXP_LIMIT = 16
/** Slack on the bound for float rounding of the interpolated coefficients and the table lookups. */
const EXPONENT_SLACK = 1 / 64
const RELATIVE_SLACK = 1e-4

/**
 * Largest channel value of `applyRatioRows(field, full, 0, full.height, out)`, bit for bit.
 * @param field The ratio field.
 * @param full The full-resolution sRGB input (floats or integer samples).
 * @param bounds `blockBounds` of the whole field, when already computed (on worker threads, say).
 * @returns The peak (0 for an all-black result), as the Float32 output holds it.
 */
export function ratioPeak(
  field: RatioField,
  full: PixelSource,
  bounds: Float64Array = blockBounds(field, full)
): number {
  const { width: w, height: h } = field
  const { firstX, lastX, firstY, lastY } = cellSpans(field, full)
  const bandBound = new Float64Array(h)
  for (let ya = 0; ya < h; ya++) {
    let most = 0
    for (let c = 0; c < w; c++) most = Math.max(most, bounds[ya * w + c])
    bandBound[ya] = most
  }
  const order = Array.from(bandBound.keys())
    .filter((ya) => firstY[ya] >= 0)
    .sort((a, b) => bandBound[b] - bandBound[a])
  let peak = 0
  for (const ya of order) {
    if (!(bandBound[ya] > peak)) break
    // Only the columns between the first and the last block that could beat the peak.
    let c0 = -1
    let c1 = -1
    for (let c = 0; c < w; c++) {
      if (firstX[c] < 0 || !(bounds[ya * w + c] > peak)) continue
      if (c0 < 0) c0 = c
      c1 = c
    }
    if (c0 < 0) continue
    const x0 = firstX[c0]
    const x1 = lastX[c1]
    const rows = lastY[ya] - firstY[ya]
    const out = new Float32Array(rows * (x1 - x0) * 3)
    applyRatioRows(field, full, firstY[ya], rows, out, x0, x1)
    for (let i = 0; i < out.length; i++) if (out[i] > peak) peak = out[i]
  }
  return peak
}

/**
 * Per block (cell row `ya`, cell column `c`): an upper bound of every output value there.
 * Within a block each channel is `(v + ε)·exp(a·g + b) − ε` with (a, b) inside the hull of the four
 * corner cells' coefficients and the guide g between log(ε) and log(max luminance + ε), so the
 * exponent is largest at a corner and an end of that range; flat blocks are the linearised input.
 * Cell rows are independent, so threads can each take a range of them.
 * @param ya0 First cell row to bound (default 0).
 * @param ya1 Cell row after the last (default the field's height).
 * @param bounds Receives the bounds at `ya · field.width + c` (default a new array for the whole field).
 * @returns `bounds`.
 */
export function blockBounds(
  field: RatioField,
  full: PixelSource,
  ya0 = 0,
  ya1 = field.height,
  bounds: Float64Array = new Float64Array(field.width * field.height)
): Float64Array {
  const { firstX, lastX, firstY, lastY } = cellSpans(field, full)
  const { width: w, height: h, coefficients, flat } = field
  const W = full.width
  const data = full.data
  // Each block's largest sample per channel; the sRGB curve is monotonic, so linearised afterwards.
  const bandSamples = (ya1 - ya0) * w * 3
  const largest =
    data instanceof Float32Array
      ? new Float32Array(bandSamples)
      : data instanceof Uint16Array
        ? new Uint16Array(bandSamples)
        : new Uint8Array(bandSamples)
  for (let ya = ya0; ya < ya1; ya++) {
    for (let y = firstY[ya]; y >= 0 && y < lastY[ya]; y++) {
      for (let c = 0, k = (ya - ya0) * w * 3; c < w; c++, k += 3) {
        // One cell's run of pixels in this row (cells are consecutive in x), its maxima in locals.
        if (firstX[c] < 0) continue
        let r = largest[k]
        let g = largest[k + 1]
        let b = largest[k + 2]
        for (let i = (y * W + firstX[c]) * 3, end = (y * W + lastX[c]) * 3; i < end; i += 3) {
          if (data[i] > r) r = data[i]
          if (data[i + 1] > g) g = data[i + 1]
          if (data[i + 2] > b) b = data[i + 2]
        }
        largest[k] = r
        largest[k + 1] = g
        largest[k + 2] = b
      }
    }
  }
  const linear = new Float32Array(bandSamples)
  // The same kind of values as the photo's, so the same table (chosen by the array's type).
  const band: PixelSource =
    largest instanceof Float32Array
      ? { width: w, height: ya1 - ya0, data: largest }
      : { width: w, height: ya1 - ya0, data: largest, bits: largest instanceof Uint16Array ? 16 : 8 }
  lineariseSamples(band, 0, bandSamples, linear)
  const gLow = Math.log(RATIO_EPSILON)
  for (let ya = ya0; ya < ya1; ya++) {
    const above = ya * w
    const below = Math.min(ya + 1, h - 1) * w
    for (let c = 0; c < w; c++) {
      const right = Math.min(c + 1, w - 1)
      const v = 3 * (above - ya0 * w + c)
      const top = Math.max(linear[v], linear[v + 1], linear[v + 2])
      if (flat[above + c] & flat[above + right] & flat[below + c] & flat[below + right]) {
        bounds[above + c] = top
        continue
      }
      const gHigh = Math.log(top + RATIO_EPSILON) + EXPONENT_SLACK
      let most = top
      for (let ch = 0; ch < 3; ch++) {
        const exponent = Math.max(
          cornerExponent(coefficients, above + c, ch, gLow, gHigh),
          cornerExponent(coefficients, above + right, ch, gLow, gHigh),
          cornerExponent(coefficients, below + c, ch, gLow, gHigh),
          cornerExponent(coefficients, below + right, ch, gLow, gHigh)
        )
        const scale = Math.exp(Math.min(Math.max(exponent, -EXP_LIMIT), EXP_LIMIT) + EXPONENT_SLACK)
        most = Math.max(most, (linear[v + ch] + RATIO_EPSILON) * scale * (1 + RELATIVE_SLACK))
      }
      bounds[above + c] = most
    }
  }
  return bounds
}

/** Per cell column and cell row, the full-resolution columns and rows `applyRatioRows` gives it. */
function cellSpans(
  field: RatioField,
  full: PixelSource
): { cellOfX: Int32Array; firstX: Int32Array; lastX: Int32Array; firstY: Int32Array; lastY: Int32Array } {
  const { width: W, height: H } = full
  const { width: w, height: h } = field
  const cellOfX = new Int32Array(W)
  for (let x = 0; x < W; x++) cellOfX[x] = Math.floor(Math.min(Math.max(((x + 0.5) * w) / W - 0.5, 0), w - 1))
  const firstX = new Int32Array(w).fill(-1)
  const lastX = new Int32Array(w)
  for (let x = 0; x < W; x++) {
    if (firstX[cellOfX[x]] < 0) firstX[cellOfX[x]] = x
    lastX[cellOfX[x]] = x + 1
  }
  const firstY = new Int32Array(h).fill(-1)
  const lastY = new Int32Array(h)
  for (let y = 0; y < H; y++) {
    const ya = Math.floor(Math.min(Math.max(((y + 0.5) * h) / H - 0.5, 0), h - 1))
    if (firstY[ya] < 0) firstY[ya] = y
    lastY[ya] = y + 1
  }
  return { cellOfX, firstX, lastX, firstY, lastY }
}

/** The larger of `a·g + b` at the guide's two ends, for cell `k`'s coefficients of channel `ch`. */
function cornerExponent(coefficients: Float32Array, k: number, ch: number, gLow: number, gHigh: number): number {
  const a = coefficients[6 * k + ch]
  const b = coefficients[6 * k + 3 + ch]
  return Math.max(a * gLow + b, a * gHigh + b)
}
