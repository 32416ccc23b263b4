/**
 * Fits the model's highlight ratio at low resolution with a guided filter (He & Sun 2015), for
 * `applyRatioRows` to carry to full resolution (see `guided-upsample.ts`).
 *
 * Split so the work can overlap and spread over threads: `prepareRatioGuide` (the guide and its
 * window statistics, from the model's input alone, so it runs while the model does),
 * `withModelOutput`, `fitRatioChannel` (one channel's coefficients, one thread each) and
 * `finishRatioField`. Every array lives in shared memory, so threads read and
 * write them without copies.
 */
import { boxMean } from './box-filter'
import { fitGuidedCoefficients, type GuidedFit } from './guided-filter'
import { RATIO_EPSILON, type RatioField } from './guided-upsample'
import { linearTable } from './srgb-tables'
import { luminance } from './tonemap'
import type { RgbImage } from '../types'

/** Guided-filter window radius in low-res pixels. */
const GUIDE_RADIUS = 4
/** Guided-filter regulariser, in (log luminance)²: edges weaker than ~10% contrast are smoothed over. */
const GUIDE_EPS = 0.01
const RATIO_GUIDED_FIT: GuidedFit = { radius: GUIDE_RADIUS, eps: GUIDE_EPS, varianceFloor: -Infinity }
/** Largest |guide| anywhere: the log of RATIO_EPSILON (the guide is log(luminance + ε), luminance in [0, 1]). */
const GUIDE_BOUND = -Math.log(RATIO_EPSILON)
/**
 * A cell whose ratio `a·g + b` stays below this for every possible guide adds nothing: its pixels
 * are the linearised input, bit for bit. 2^-17 is half a 16-bit code at full scale, so no output
 * format can tell the difference, and in a typical photo most cells qualify.
 */
const FLAT_RATIO = 2 ** -17

/** What every channel's fit reads, and the coefficients it writes (`RatioField.coefficients`). */
export interface RatioFitInputs {
  width: number
  height: number
  /** The model's linear output, interleaved RGB. */
  hdr: Float32Array
  /** The model's input, linearised, interleaved RGB. */
  linear: Float32Array
  /** Log luminance of `linear`, and its window mean and mean square. */
  guide: Float32Array
  meanI: Float32Array
  meanII: Float32Array
  /** Receives `a0 a1 a2 b0 b1 b2` per pixel. */
  coefficients: Float32Array
}

/** Everything of the fit that the model's input alone determines. */
export type RatioGuide = Omit<RatioFitInputs, 'hdr'>

/**
 * The guide and its window statistics; allocates every array of the fit in shared memory.
 * @param ldrSmall The sRGB input the model sees.
 * @returns The guide, for `withModelOutput`.
 */
export function prepareRatioGuide(ldrSmall: RgbImage): RatioGuide {
  const { width: w, height: h } = ldrSmall
  const n = w * h
  const ld = ldrSmall.data
  const lut = linearTable()
  const last = lut.length - 1
  // Interpolated, not the nearest table entry: the reduced input is an average that falls between
  // entries, and the model linearises it exactly, so only this gives a ratio of ~0 where it adds nothing.
  const linear = sharedFloats(3 * n)
  for (let i = 0; i < 3 * n; i++) {
    const v = ld[i]
    const u = v > 0 ? (v < 1 ? v * last : last) : 0
    const k = Math.min(u | 0, last - 1)
    linear[i] = lut[k] + (u - k) * (lut[k + 1] - lut[k])
  }
  const guide = sharedFloats(n)
  const squared = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const g = Math.log(luminance(linear[3 * i], linear[3 * i + 1], linear[3 * i + 2]) + RATIO_EPSILON)
    guide[i] = g
    squared[i] = g * g
  }
  const scratch = new Float32Array(n)
  const meanI = boxMean(guide, w, h, GUIDE_RADIUS, sharedFloats(n), scratch)
  const meanII = boxMean(squared, w, h, GUIDE_RADIUS, sharedFloats(n), scratch)
  return { width: w, height: h, linear, guide, meanI, meanII, coefficients: sharedFloats(6 * n) }
}

/**
 * Adds the model's output to a prepared guide (in shared memory).
 * @param guide From `prepareRatioGuide` on the model's input.
 * @param hdrSmall The model's linear output, same size.
 * @returns Inputs for `fitRatioChannel`.
 */
export function withModelOutput(guide: RatioGuide, hdrSmall: RgbImage): RatioFitInputs {
  let hdr = hdrSmall.data
  if (!(hdr.buffer instanceof SharedArrayBuffer)) {
    hdr = sharedFloats(hdr.length)
    hdr.set(hdrSmall.data)
  }
  return { ...guide, hdr }
}

/**
 * Fits channel `c`: the guided filter of `r = log((hdr + ε)/(lin + ε))` with the log-luminance guide.
 * @param inputs From `withModelOutput`; `inputs.coefficients` receives `a_c` and `b_c`.
 * @param c Channel 0, 1 or 2.
 */
export function fitRatioChannel(inputs: RatioFitInputs, c: number): void {
  const { width: w, height: h, hdr, linear, guide, meanI, meanII, coefficients } = inputs
  const n = w * h
  const scratch = new Float32Array(n)
  const ratio = new Float32Array(n)
  const weighted = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const r = Math.log((hdr[3 * i + c] + RATIO_EPSILON) / (linear[3 * i + c] + RATIO_EPSILON))
    ratio[i] = r
    weighted[i] = guide[i] * r
  }
  const meanP = boxMean(ratio, w, h, GUIDE_RADIUS, ratio, scratch)
  const meanIP = boxMean(weighted, w, h, GUIDE_RADIUS, weighted, scratch)
  fitGuidedCoefficients({ width: w, height: h, meanI, meanII, meanP, meanIP }, RATIO_GUIDED_FIT, scratch)
  // meanIP now holds mean(a), meanP mean(b).
  for (let i = 0; i < n; i++) {
    coefficients[6 * i + c] = meanIP[i]
    coefficients[6 * i + 3 + c] = meanP[i]
  }
}

/**
 * Completes the field once every channel is fitted: marks the cells whose ratio is negligible for
 * any guide value (see FLAT_RATIO).
 * @param inputs The fitted inputs.
 * @returns The field for `applyRatioRows`.
 */
export function finishRatioField(inputs: RatioFitInputs): RatioField {
  const { width, height, coefficients } = inputs
  const n = width * height
  const flat = new Uint8Array(new SharedArrayBuffer(n))
  for (let i = 0, k = 0; i < n; i++, k += 6) {
    let worst = 0
    for (let c = 0; c < 3; c++)
      worst = Math.max(worst, Math.abs(coefficients[k + c]) * GUIDE_BOUND + Math.abs(coefficients[k + 3 + c]))
    flat[i] = worst < FLAT_RATIO ? 1 : 0
  }
  return { width, height, coefficients, flat }
}

/**
 * The whole fit on the calling thread.
 * @param ldrSmall The sRGB input the model saw.
 * @param hdrSmall The model's linear output, same size.
 * @returns Coefficients to apply at any resolution with `applyRatioRows`.
 */
export function fitRatioField(ldrSmall: RgbImage, hdrSmall: RgbImage): RatioField {
  return fitRatioInputs(withModelOutput(prepareRatioGuide(ldrSmall), hdrSmall))
}

/**
 * Fits every channel of prepared inputs on the calling thread.
 * @returns The field for `applyRatioRows`.
 */
export function fitRatioInputs(inputs: RatioFitInputs): RatioField {
  for (let c = 0; c < 3; c++) fitRatioChannel(inputs, c)
  return finishRatioField(inputs)
}

function sharedFloats(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(4 * length))
}
