/**
 * Carries a low-resolution prediction to full resolution without losing the photo's own detail.
 *
 * The model runs on a reduced copy. What it adds is expressed as a per-pixel, per-channel log
 * ratio `r = log(hdr_small + ε) − log(lin(ldr_small) + ε)`. `r` is fitted with a fast guided filter
 * (He & Sun 2015) whose guide is the low-res log luminance, the coefficients are bilinearly
 * upsampled, and applied to the full-res log luminance: `hdr = (lin(ldr) + ε)·exp(a·g + b) − ε`.
 * Unclipped areas, where `r ≈ 0`, keep every full-res pixel; the guide puts the ratio's edges on
 * the photo's edges. Rows are produced independently, so strips never meet at a seam.
 */
import { boxMean } from './box-filter'
import { luminance, srgbDecode } from './tonemap'
import type { RgbImage, RgbSamples } from './types'

/** Full-resolution input: float sRGB values, or the integer samples they were decoded from. */
export type PixelSource = RgbImage | RgbSamples

/** Offset that keeps the logs finite in black areas; below the darkest non-zero 8-bit linear value (3e-4) would amplify noise, so a little above. */
export const RATIO_EPSILON = 1e-3
/** Guided-filter window radius in low-res pixels. */
const GUIDE_RADIUS = 4
/** Guided-filter regulariser, in (log luminance)²: edges weaker than ~10% contrast are smoothed over. */
const GUIDE_EPS = 0.01
const LUT_SIZE = 65536

/** Range and resolution of the exp table: ratios beyond e^±16 are far outside any radiance the encoders keep. */
const EXP_LIMIT = 16
const EXP_STEPS_PER_UNIT = 256
/** Steps of the log-luminance table over [0,1]. */
const LOG_STEPS = 65536

let linearLut: Float32Array | undefined
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

/** sRGB → linear via a table: decoded inputs are k/255 or k/65535, both exact entries here. */
function linearTable(): Float32Array {
  if (!linearLut) {
    linearLut = new Float32Array(LUT_SIZE)
    for (let i = 0; i < LUT_SIZE; i++) linearLut[i] = srgbDecode(i / (LUT_SIZE - 1))
  }
  return linearLut
}

function lutIndex(v: number): number {
  return v > 0 ? (v < 1 ? (v * (LUT_SIZE - 1) + 0.5) | 0 : LUT_SIZE - 1) : 0
}

/** Writes the linear-table index of every sample of `count` samples from `start` into `out`. */
function tableIndices(source: PixelSource, start: number, count: number, out: Uint16Array): void {
  const data = source.data
  if (data instanceof Float32Array) {
    for (let i = 0; i < count; i++) out[i] = lutIndex(data[start + i])
  } else if (data instanceof Uint8Array) {
    // 257 · k maps k/255 onto the 16-bit table exactly.
    for (let i = 0; i < count; i++) out[i] = data[start + i] * 257
  } else {
    out.set(data.subarray(start, start + count))
  }
}

/** Scale from a source's stored values to [0,1]. */
function unitScale(source: PixelSource): number {
  return source.data instanceof Uint8Array ? 1 / 255 : source.data instanceof Uint16Array ? 1 / 65535 : 1
}

/**
 * Area-average reduction (each output pixel averages the input block it covers).
 * @param image Source, interleaved RGB floats or integer samples.
 * @param width Target width, 1..image.width.
 * @param height Target height, 1..image.height.
 * @returns The reduced image as floats in [0,1].
 */
export function downscaleArea(image: PixelSource, width: number, height: number): RgbImage {
  const { width: W, height: H, data } = image
  const unit = unitScale(image)
  const out = new Float32Array(width * height * 3)
  const acc = new Float64Array(W * 3)
  const colStart = Int32Array.from({ length: width + 1 }, (_, x) => Math.floor((x * W) / width))
  for (let y = 0; y < height; y++) {
    const r0 = Math.floor((y * H) / height)
    const r1 = Math.floor(((y + 1) * H) / height)
    acc.fill(0)
    for (let r = r0; r < r1; r++) {
      const base = r * W * 3
      for (let i = 0; i < W * 3; i++) acc[i] += data[base + i]
    }
    for (let x = 0; x < width; x++) {
      const c0 = colStart[x]
      const c1 = colStart[x + 1]
      let sr = 0
      let sg = 0
      let sb = 0
      for (let c = c0; c < c1; c++) {
        sr += acc[3 * c]
        sg += acc[3 * c + 1]
        sb += acc[3 * c + 2]
      }
      const inv = unit / ((c1 - c0) * (r1 - r0))
      const o = 3 * (y * width + x)
      out[o] = sr * inv
      out[o + 1] = sg * inv
      out[o + 2] = sb * inv
    }
  }
  return { width, height, data: out }
}

/** Guided-filter coefficients at low resolution: per pixel `a0 a1 a2 b0 b1 b2` (one a, b per channel). */
export interface RatioField {
  width: number
  height: number
  coefficients: Float32Array
}

/**
 * Fits the log ratio between the model's output and its input with a guided filter.
 * @param ldrSmall The sRGB input the model saw.
 * @param hdrSmall The model's linear output, same size.
 * @returns Coefficients to apply at any resolution with `applyRatioRows`.
 */
export function fitRatioField(ldrSmall: RgbImage, hdrSmall: RgbImage): RatioField {
  const { width: w, height: h } = ldrSmall
  const n = w * h
  const lut = linearTable()
  const ld = ldrSmall.data
  const hd = hdrSmall.data
  // Few, reused buffers: fresh memory is slow to touch, and this runs on every photo.
  const scratch = new Float32Array(n)
  const guide = new Float32Array(n)
  const linear = new Float32Array(3 * n)
  for (let i = 0; i < n; i++) {
    const r = lut[lutIndex(ld[3 * i])]
    const g = lut[lutIndex(ld[3 * i + 1])]
    const b = lut[lutIndex(ld[3 * i + 2])]
    linear[3 * i] = r
    linear[3 * i + 1] = g
    linear[3 * i + 2] = b
    guide[i] = Math.log(luminance(r, g, b) + RATIO_EPSILON)
  }
  const meanI = boxMean(guide, w, h, GUIDE_RADIUS, new Float32Array(n), scratch)
  const meanII = boxMean(product(guide, guide, new Float32Array(n)), w, h, GUIDE_RADIUS, new Float32Array(n), scratch)
  const ratio = new Float32Array(n)
  const meanP = new Float32Array(n)
  const meanIP = new Float32Array(n)
  const coefficients = new Float32Array(6 * n)
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < n; i++) ratio[i] = Math.log(hd[3 * i + c] + RATIO_EPSILON) - Math.log(linear[3 * i + c] + RATIO_EPSILON)
    boxMean(ratio, w, h, GUIDE_RADIUS, meanP, scratch)
    boxMean(product(guide, ratio, ratio), w, h, GUIDE_RADIUS, meanIP, scratch)
    // meanIP becomes a, meanP becomes b, each then averaged over the window as the filter prescribes.
    for (let i = 0; i < n; i++) {
      const variance = meanII[i] - meanI[i] * meanI[i]
      const a = (meanIP[i] - meanI[i] * meanP[i]) / (variance + GUIDE_EPS)
      meanIP[i] = a
      meanP[i] = meanP[i] - a * meanI[i]
    }
    const meanA = boxMean(meanIP, w, h, GUIDE_RADIUS, ratio, scratch)
    for (let i = 0; i < n; i++) coefficients[6 * i + c] = meanA[i]
    const meanB = boxMean(meanP, w, h, GUIDE_RADIUS, meanIP, scratch)
    for (let i = 0; i < n; i++) coefficients[6 * i + 3 + c] = meanB[i]
  }
  return { width: w, height: h, coefficients }
}

/**
 * Produces full-resolution HDR rows `[y0, y0 + rows)` from the full-res input and a ratio field.
 * @param field Coefficients from `fitRatioField`.
 * @param full Full-resolution sRGB input (floats or integer samples).
 * @param y0 First row.
 * @param rows Number of rows.
 * @param out Destination, `rows · full.width · 3` floats, linear radiance ≥ 0.
 */
export function applyRatioRows(field: RatioField, full: PixelSource, y0: number, rows: number, out: Float32Array): void {
  const W = full.width
  const { width: w, height: h, coefficients } = field
  const lut = linearTable()
  const left = new Int32Array(W)
  const right = new Int32Array(W)
  const tx = new Float32Array(W)
  for (let x = 0; x < W; x++) {
    const fx = Math.min(Math.max(((x + 0.5) * w) / W - 0.5, 0), w - 1)
    const x0 = Math.floor(fx)
    left[x] = 6 * x0
    right[x] = 6 * Math.min(x0 + 1, w - 1)
    tx[x] = fx - x0
  }
  const row = new Float32Array(6 * w)
  const indices = new Uint16Array(3 * W)
  const exps = expTable()
  const logs = logTable()
  for (let j = 0; j < rows; j++) {
    const y = y0 + j
    const fy = Math.min(Math.max(((y + 0.5) * h) / full.height - 0.5, 0), h - 1)
    const ya = Math.floor(fy)
    const ty = fy - ya
    const above = 6 * w * ya
    const below = 6 * w * Math.min(ya + 1, h - 1)
    for (let k = 0; k < 6 * w; k++) row[k] = coefficients[above + k] + ty * (coefficients[below + k] - coefficients[above + k])
    tableIndices(full, y * W * 3, W * 3, indices)
    const o0 = j * W * 3
    for (let x = 0; x < W; x++) {
      const r = lut[indices[3 * x]]
      const g = lut[indices[3 * x + 1]]
      const b = lut[indices[3 * x + 2]]
      const lum = (0.2126 * r + 0.7152 * g + 0.0722 * b) * LOG_STEPS
      const li = lum | 0
      const guide = logs[li] + (lum - li) * (logs[li + 1] - logs[li])
      const l = left[x]
      const k = right[x]
      const t = tx[x]
      const o = o0 + 3 * x
      out[o] = Math.max(0, (r + RATIO_EPSILON) * tableExp(exps, row[l] + t * (row[k] - row[l]), row[l + 3] + t * (row[k + 3] - row[l + 3]), guide) - RATIO_EPSILON)
      out[o + 1] = Math.max(0, (g + RATIO_EPSILON) * tableExp(exps, row[l + 1] + t * (row[k + 1] - row[l + 1]), row[l + 4] + t * (row[k + 4] - row[l + 4]), guide) - RATIO_EPSILON)
      out[o + 2] = Math.max(0, (b + RATIO_EPSILON) * tableExp(exps, row[l + 2] + t * (row[k + 2] - row[l + 2]), row[l + 5] + t * (row[k + 5] - row[l + 5]), guide) - RATIO_EPSILON)
    }
  }
}

/** exp(a·g + b) from the table, clamped to e^±16. */
function tableExp(exps: Float64Array, a: number, b: number, g: number): number {
  let u = (a * g + b + EXP_LIMIT) * EXP_STEPS_PER_UNIT
  if (!(u > 0)) u = 0
  else if (u > exps.length - 2) u = exps.length - 2
  const i = u | 0
  return exps[i] + (u - i) * (exps[i + 1] - exps[i])
}

function product(a: Float32Array, b: Float32Array, out: Float32Array): Float32Array {
  for (let i = 0; i < a.length; i++) out[i] = a[i] * b[i]
  return out
}
