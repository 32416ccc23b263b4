/**
 * Carries a low-resolution prediction to full resolution without losing the photo's own detail.
 *
 * The model runs on a reduced copy. What it adds is expressed as a per-pixel, per-channel log
 * ratio `r = log(hdr_small + ε) − log(lin(ldr_small) + ε)`. `r` is fitted with a fast guided filter
 * (He & Sun 2015) whose guide is the low-res log luminance (`ratio-fit.ts`); here the coefficients
 * are bilinearly upsampled and applied to the full-res log luminance: `hdr = (lin(ldr) + ε)·exp(a·g + b) − ε`.
 * Unclipped areas, where `r ≈ 0`, keep every full-res pixel; the guide puts the ratio's edges on
 * the photo's edges. Rows are produced independently, so strips never meet at a seam.
 */
import { lineariseSamples } from './srgb-tables'
import type { PixelSource } from '../types'

/** Offset that keeps the logs finite in black areas; below the darkest non-zero 8-bit linear value (3e-4) would amplify noise, so a little above. */
export const RATIO_EPSILON = 1e-3

/** Range and resolution of the exp table: ratios beyond e^±16 are far outside any radiance the encoders keep. */
const EXP_LIMIT = 16
const EXP_STEPS_PER_UNIT = 256
/** Steps of the log-luminance table over [0,1]. */
const LOG_STEPS = 65536

let expLut: Float64Array | undefined
let logLut: Float64Array | undefined

/**
 * Tables for the per-pixel exp and log of the full-resolution pass, read with linear
 * interpolation: relative error below 2e-6 (exp) and 1e-6 (log), four times faster than Math.exp/log.
 */
function expTable(): Float64Array {
  if (!expLut) {
    expLut = new Float64Array(2 * EXP_LIMIT * EXP_STEPS_PER_UNIT + 2)
    for (let i = 0; i < expLut.length; i++) expLut[i] = Math.exp(i / EXP_STEPS_PER_UNIT - EXP_LIMIT)
  }
  return expLut
}

function logTable(): Float64Array {
  if (!logLut) {
    logLut = new Float64Array(LOG_STEPS + 2)
    for (let i = 0; i < logLut.length; i++) logLut[i] = Math.log(i / LOG_STEPS + RATIO_EPSILON)
  }
  return logLut
}

/**
 * Guided-filter coefficients at low resolution (`ratio-fit.ts`): per pixel `a0 a1 a2 b0 b1 b2`
 * (one a, b per channel), and per pixel 1 where the ratio is negligible for any guide value.
 */
export interface RatioField {
  width: number
  height: number
  coefficients: Float32Array
  flat: Uint8Array
}

/**
 * Produces full-resolution HDR rows `[y0, y0 + rows)` from the full-res input and a ratio field:
 * `(lin + ε)·exp(a·g + b) − ε` with a, b interpolated bilinearly, and exactly `lin` wherever all
 * four surrounding cells are flat.
 * @param field Coefficients from `fitRatioField`.
 * @param full Full-resolution sRGB input (floats or integer samples).
 * @param y0 First row.
 * @param rows Number of rows.
 * @param out Destination, `rows · (x1 − x0) · 3` floats, linear radiance ≥ 0.
 * @param x0 First column (default 0): a part of the rows gets exactly the values the whole rows would.
 * @param x1 Column after the last (default the width).
 */
export function applyRatioRows(
  field: RatioField,
  full: PixelSource,
  y0: number,
  rows: number,
  out: Float32Array,
  x0 = 0,
  x1 = full.width
): void {
  const W = full.width
  const n = x1 - x0
  const { width: w, height: h, coefficients, flat } = field
  const cell = new Int32Array(n)
  const tx = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const fx = Math.min(Math.max(((x0 + i + 0.5) * w) / W - 0.5, 0), w - 1)
    cell[i] = Math.floor(fx)
    tx[i] = fx - cell[i]
  }
  const row = new Float32Array(6 * w)
  // Per cell column: 1 when the cells left/right of it in both neighbouring rows are flat.
  const rowFlat = new Uint8Array(w)
  const exps = expTable()
  const logs = logTable()
  for (let j = 0; j < rows; j++) {
    const y = y0 + j
    const fy = Math.min(Math.max(((y + 0.5) * h) / full.height - 0.5, 0), h - 1)
    const ya = Math.floor(fy)
    const ty = fy - ya
    const above = w * ya
    const below = w * Math.min(ya + 1, h - 1)
    let anyWork = false
    for (let x = 0; x < w; x++) {
      const right = Math.min(x + 1, w - 1)
      rowFlat[x] = flat[above + x] & flat[above + right] & flat[below + x] & flat[below + right]
      if (!rowFlat[x]) anyWork = true
    }
    const o0 = j * n * 3
    lineariseSamples(full, (y * W + x0) * 3, n * 3, out.subarray(o0, o0 + n * 3))
    if (!anyWork) continue
    for (let k = 0; k < 6 * w; k++)
      row[k] = coefficients[6 * above + k] + ty * (coefficients[6 * below + k] - coefficients[6 * above + k])
    for (let x = 0; x < n; x++) {
      const c = cell[x]
      if (rowFlat[c]) continue
      const o = o0 + 3 * x
      const r = out[o]
      const g = out[o + 1]
      const b = out[o + 2]
      const lum = (0.2126 * r + 0.7152 * g + 0.0722 * b) * LOG_STEPS
      const li = lum | 0
      const guide = logs[li] + (lum - li) * (logs[li + 1] - logs[li])
      const l = 6 * c
      const k = 6 * Math.min(c + 1, w - 1)
      const t = tx[x]
      out[o] = scaleChannel(r, exps, row, l, k, t, guide)
      out[o + 1] = scaleChannel(g, exps, row, l + 1, k + 1, t, guide)
      out[o + 2] = scaleChannel(b, exps, row, l + 2, k + 2, t, guide)
    }
  }
}

/**
 * One channel times its ratio: the (a, b) pair of cells `l` and `l + 3` (`k` and `k + 3` on the
 * right) interpolated by `t`, evaluated at `guide`. Small enough for V8 to inline into the loop.
 */
function scaleChannel(
  value: number,
  exps: Float64Array,
  row: Float32Array,
  l: number,
  k: number,
  t: number,
  guide: number
): number {
  const a = row[l] + t * (row[k] - row[l])
  const b = row[l + 3] + t * (row[k + 3] - row[l + 3])
  return Math.max(0, (value + RATIO_EPSILON) * tableExp(exps, a, b, guide) - RATIO_EPSILON)
}

/** exp(a·g + b) from the table, clamped to e^±16. */
function tableExp(exps: Float64Array, a: number, b: number, g: number): number {
  let u = (a * g + b + EXP_LIMIT) * EXP_STEPS_PER_UNIT
  if (!(u > 0)) u = 0
  else if (u > exps.length - 2) u = exps.length - 2
  const i = u | 0
  return exps[i] + (u - i) * (exps[i + 1] - exps[i])
}
