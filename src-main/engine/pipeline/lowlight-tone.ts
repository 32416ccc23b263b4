/**
 * Low-light mode's exposure and highlight rules (steps 1 and 3 of `lowlight.ts`), and its black
 * point: global statistics of the whole picture and per-pixel curves, no filtering.
 */
import { luminance } from '../imaging/tonemap'
import type { RgbImage } from '../types'

/** Mean clipped linear luminance a well-exposed photo has (Reinhard's middle-grey key). */
export const LOW_LIGHT_KEY = 0.18
/** Linear level where the highlight shoulder starts; below it the exposed image is untouched. */
export const LOW_LIGHT_KNEE = 0.75
/** Share of pixels whose brightest channel may reach the white point (and so 1.0). */
const WHITE_QUANTILE = 0.999
/** The gain never goes past ±16 stops, which also gives an all-black photo a finite gain. */
const MAX_GAIN = 2 ** 16
/** At most this many pixels are sorted for the exposure and white-point statistics. */
const STAT_SAMPLES = 1 << 20
/** Every `step`-th value of `count` computed by `value(i)`, at most `STAT_SAMPLES` of them, sorted. */
function sortedSample(count: number, value: (i: number) => number): Float64Array {
  const step = Math.max(1, Math.ceil(count / STAT_SAMPLES))
  const out = new Float64Array(Math.ceil(count / step))
  for (let i = 0, k = 0; i < count; i += step, k++) out[k] = value(i)
  return out.sort()
}

/**
 * The exposure rule: the gain `g` with `mean(min(g·Y, 1)) = LOW_LIGHT_KEY`.
 * @param image Linear radiance, any scale.
 * @returns `g` in [2^-16, 2^16]; 2^16 when the image is (nearly) black.
 */
export function exposureGain(image: RgbImage): number {
  const { data } = image
  const y = sortedSample(data.length / 3, (i) => Math.max(0, luminance(data[3 * i], data[3 * i + 1], data[3 * i + 2])))
  const n = y.length
  const prefix = new Float64Array(n + 1)
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + y[i]
  const clippedMean = (g: number): number => {
    // Pixels below 1/g count as g·Y; the rest are clipped at 1.
    let lo = 0
    let hi = n
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (y[mid] * g < 1) lo = mid + 1
      else hi = mid
    }
    return (g * prefix[lo] + (n - lo)) / n
  }
  let lo = Math.log2(1 / MAX_GAIN)
  let hi = Math.log2(MAX_GAIN)
  if (clippedMean(2 ** hi) < LOW_LIGHT_KEY) return MAX_GAIN
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2
    if (clippedMean(2 ** mid) < LOW_LIGHT_KEY) lo = mid
    else hi = mid
  }
  return 2 ** ((lo + hi) / 2)
}

/**
 * White point of an exposed image: the `WHITE_QUANTILE` of its brightest channel, at least 1.
 * @param image Exposed linear radiance.
 */
export function whitePointOf(image: RgbImage): number {
  const { data } = image
  const peaks = sortedSample(data.length / 3, (i) => Math.max(data[3 * i], data[3 * i + 1], data[3 * i + 2]))
  return Math.max(1, peaks[Math.min(peaks.length - 1, Math.floor(WHITE_QUANTILE * peaks.length))])
}

/**
 * The highlight shoulder: identity below `LOW_LIGHT_KNEE`, then extended Reinhard rescaled to the
 * knee, C¹ at the knee and 1.0 at `white`.
 * @param v Exposed linear value.
 * @param white White point, ≥ 1 (1 makes the whole curve the identity).
 * @returns Display-linear value; ≥ 1 from `white` on (the writer clamps).
 */
export function compressHighlight(v: number, white: number): number {
  if (v <= LOW_LIGHT_KNEE) return v
  const span = 1 - LOW_LIGHT_KNEE
  const u = (v - LOW_LIGHT_KNEE) / span
  const w = (white - LOW_LIGHT_KNEE) / span
  return LOW_LIGHT_KNEE + (span * u * (1 + u / (w * w))) / (1 + u)
}

/**
 * Step 3 of the module comment alone: the display picture of an exposed, denoised radiance (also
 * what the app shows for a low-light batch's .hdr reopened without converting again).
 * @param linear `LowLightResult.linear`.
 * @returns Display-linear values in [0,1] and the white point used.
 */
export function lowLightDisplay(linear: RgbImage): { display: RgbImage; whitePoint: number } {
  const whitePoint = whitePointOf(linear)
  return { display: displayOf(linear, whitePoint), whitePoint }
}

/** The highlight shoulder with white point `whitePoint` on every sample of `linear`, clamped at 1. */
export function displayOf(linear: RgbImage, whitePoint: number): RgbImage {
  const display = new Float32Array(linear.data.length)
  for (let i = 0; i < display.length; i++) display[i] = Math.min(1, compressHighlight(linear.data[i], whitePoint))
  return { width: linear.width, height: linear.height, data: display }
}

/** Where the black toe meets the identity, in multiples of the black level. */
const TOE_SPAN = 8

/**
 * The black point as a toe rather than a subtraction: `v − b·(1 − v/(8b))²` below `8b`, the
 * identity above, C¹ where they meet; values below about 0.8·b go to 0. Subtracting `b` from
 * everything darkened the mid-tones the exposure rule had set (−0.9 dB at −3 EV in
 * `training/lowlight_bench.py`); the toe moves only the darks.
 * @param v Exposed linear value.
 * @param black The black level `b`, > 0.
 */
export function blackToe(v: number, black: number): number {
  const span = TOE_SPAN * black
  if (v >= span) return v
  const rest = 1 - v / span
  return Math.max(0, v - black * rest * rest)
}

/**
 * One channel's black level: its `share` quantile, so the darkest pixels of the scene go back to
 * black and a tint in the noise floor (e.g. green-grey) goes with them.
 * @param image Exposed, denoised linear radiance.
 * @param channel 0, 1 or 2 (red, green, blue).
 * @param share Fraction of pixels at or below the level, in [0, 0.05]; 0 gives 0.
 * @returns That channel's level (`lowLightSteps` takes the lowest of the three, capped, for its toe).
 */
export function blackLevel(image: RgbImage, channel: number, share: number): number {
  if (!(share > 0)) return 0
  const { data } = image
  const sorted = sortedSample(data.length / 3, (i) => data[3 * i + channel])
  return Math.max(0, sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))])
}
