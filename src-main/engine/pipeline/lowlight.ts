/**
 * Low-light mode: an underexposed, noisy photo in, a well-exposed 8-bit picture out.
 *
 * The HDR model's prediction is the starting point: it is a linear radiance estimate of the
 * scene (the camera's response undone, clipped highlights rebuilt). Then, on the whole image:
 *
 * 1. Exposure — the gain `g` at which the mean clipped luminance `mean(min(g·Y, 1))` equals
 *    `LOW_LIGHT_KEY` (0.18), Y the Rec.709 luminance of the linear prediction. Zero-mean noise
 *    leaves a mean unbiased, and the clip keeps a lamp or the sun from darkening everything else.
 *    `training/lowlight_bench.py` exposes its well-exposed references by this same rule.
 * 2. Noise — in the sRGB-encoded domain (where shot noise is about level-independent), split into
 *    a luma and two colour-difference planes; each plane's noise σ is measured in its flattest
 *    half (`estimateNoise`), after the gain, so the smoothing grows with the gain applied. Luma
 *    gets three passes of a small guided filter (ε = (3σ)², radius 2: repeated small windows keep
 *    edges better than one large one), colour one pass guided by the cleaned luma (ε = (4σ)²,
 *    radius 4), so colour follows luma edges instead of bleeding. Strengths were tuned on
 *    `training/lowlight_bench.py`.
 * 3. Highlights — per channel, identity up to `LOW_LIGHT_KNEE` (0.75) and an extended-Reinhard
 *    shoulder above it that reaches 1.0 at the white point `W`: the 99.9th percentile of the
 *    brightest channel (at least 1, where the shoulder is the identity). So no more than 0.1% of
 *    pixels can clip, and mid-tones are not compressed at all.
 *
 * Outputs: display-referred files (PNG, JPEG) get the result of step 3 and are only sRGB-encoded
 * (`LOW_LIGHT_DISPLAY_TONEMAP`: the photo's own tone settings do not apply); linear files (.hdr,
 * .exr, Ultra HDR) get step 2's output, the exposure-corrected, denoised radiance with its
 * highlights intact (Ultra HDR's base image then clips at 1.0 and its gain map keeps the rest).
 * Memory: the whole prediction is held as floats (12 bytes a pixel) plus about three times that
 * while processing, unlike HDR mode's strips.
 */
import { throwIfAborted } from '../errors'
import type { Engine, PredictOptions, PredictTimings } from './engine'
import { estimateNoise, guidedFilter, type Plane } from '../imaging/denoise'
import { luminance, srgbDecode, srgbEncode } from '../imaging/tonemap'
import type { PixelSource, RgbImage } from '../types'
import { BLEND_RAMP_START } from '../domain/clip'
import { lineariseSamples } from '../imaging/srgb-tables'

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
const LUMA_RADIUS = 2
const LUMA_STRENGTH = 3
const LUMA_PASSES = 3
const CHROMA_RADIUS = 4
const CHROMA_STRENGTH = 4
/** Rec.601 luma weights on encoded values, which keep the colour-difference planes small. */
const KR = 0.299
const KG = 0.587
const KB = 0.114
/** Share of progress given to the prediction; the rest is this module's own work. */
const PREDICT_SHARE = 0.8

/** What low-light processing made of one prediction. */
export interface LowLightResult {
  /** Exposure-corrected, denoised linear radiance (for linear outputs such as .hdr). */
  linear: RgbImage
  /** Display-linear values in [0,1] after the highlight shoulder; sRGB-encode to show. */
  display: RgbImage
  /** Linear gain applied to the prediction. */
  gain: number
  /** Linear level mapped to 1.0 by the shoulder, ≥ 1. */
  whitePoint: number
  /** Luma noise σ (sRGB-encoded units, after the gain) the smoothing was set from. */
  noise: number
}

/** Receives matching strips of `LowLightResult.linear` and `.display`, top to bottom. */
export type LowLightSink = (linear: RgbImage, display: RgbImage, y: number) => void | Promise<void>

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
 * Steps 1–3 of the module comment on a whole prediction.
 * @param hdr The model's linear prediction; not modified.
 * @returns Linear and display images and the figures that shaped them.
 */
export function processLowLight(hdr: RgbImage): LowLightResult {
  const { width, height, data } = hdr
  const n = width * height
  const gain = exposureGain(hdr)
  const plane = (): Plane => ({ width, height, data: new Float32Array(n) })
  const luma = plane()
  const cr = plane()
  const cb = plane()
  for (let i = 0; i < n; i++) {
    const r = srgbEncode(Math.max(0, data[3 * i] * gain))
    const g = srgbEncode(Math.max(0, data[3 * i + 1] * gain))
    const b = srgbEncode(Math.max(0, data[3 * i + 2] * gain))
    const y = KR * r + KG * g + KB * b
    luma.data[i] = y
    cr.data[i] = r - y
    cb.data[i] = b - y
  }
  const noise = estimateNoise(luma)
  const chromaNoise = Math.max(estimateNoise(cr), estimateNoise(cb))
  let cleanLuma = luma
  for (let pass = 0; pass < LUMA_PASSES; pass++)
    cleanLuma = guidedFilter(cleanLuma, cleanLuma, LUMA_RADIUS, (LUMA_STRENGTH * noise) ** 2)
  // Colour noise is judged against the luma guide: flat luma (relative to its own noise) means flat colour.
  const chromaEps = (CHROMA_STRENGTH * Math.max(noise, chromaNoise)) ** 2
  const cleanCr = guidedFilter(cleanLuma, cr, CHROMA_RADIUS, chromaEps)
  const cleanCb = guidedFilter(cleanLuma, cb, CHROMA_RADIUS, chromaEps)

  const linear = new Float32Array(3 * n)
  for (let i = 0; i < n; i++) {
    const y = cleanLuma.data[i]
    const r = y + cleanCr.data[i]
    const b = y + cleanCb.data[i]
    const g = (y - KR * r - KB * b) / KG
    linear[3 * i] = srgbDecode(Math.max(0, r))
    linear[3 * i + 1] = srgbDecode(Math.max(0, g))
    linear[3 * i + 2] = srgbDecode(Math.max(0, b))
  }
  const linearImage = { width, height, data: linear }
  return { linear: linearImage, ...lowLightDisplay(linearImage), gain, noise }
}

/**
 * Step 3 of the module comment alone: the display picture of an exposed, denoised radiance (also
 * what the app shows for a low-light batch's .hdr reopened without converting again).
 * @param linear `LowLightResult.linear`.
 * @returns Display-linear values in [0,1] and the white point used.
 */
export function lowLightDisplay(linear: RgbImage): { display: RgbImage; whitePoint: number } {
  const whitePoint = whitePointOf(linear)
  const display = new Float32Array(linear.data.length)
  for (let i = 0; i < display.length; i++) display[i] = Math.min(1, compressHighlight(linear.data[i], whitePoint))
  return { display: { width: linear.width, height: linear.height, data: display }, whitePoint }
}

/**
 * Runs the model and low-light processing on a whole photo.
 * @param engine A loaded engine.
 * @param source sRGB floats in [0,1] or 8/16-bit sRGB samples.
 * @param options Cancel and progress (fraction of the whole job).
 * @returns The processed images and the model's timings, the processing counted as `upsample`.
 * @throws UnclipError `CANCELLED`, and whatever `engine.predictStrips` throws.
 */
export async function lowLightImage(
  engine: Engine,
  source: PixelSource,
  options: PredictOptions = {}
): Promise<LowLightResult & { timings: PredictTimings }> {
  const { signal, onProgress } = options
  const hdr = new Float32Array(source.width * source.height * 3)
  const timings = await engine.predictStrips(source, (strip, y) => hdr.set(strip.data, y * source.width * 3), {
    signal,
    reduced: options.reduced,
    onProgress: (f) => onProgress?.(f * PREDICT_SHARE)
  })
  throwIfAborted(signal)
  const started = performance.now()
  keepSrgbBelowHighlights(source, hdr)
  const result = processLowLight({ width: source.width, height: source.height, data: hdr })
  timings.upsample += performance.now() - started
  onProgress?.(1)
  return { ...result, timings }
}

/**
 * Puts the sRGB-linearised input back wherever the model's blend would not trust the network, so only
 * the recovered highlights come from the model. Since 1.2.0 the model also picks a camera curve for
 * the rest (its tone head); low light's exposure, denoiser and tone curve are tuned on the sRGB
 * linearisation, and on dark photos the curve the head guesses cost 2.8 dB at −3 EV in
 * `training/lowlight_bench.py` (models/README.md).
 * @param source The photo, sRGB.
 * @param hdr The model's full-resolution output, changed in place.
 */
export function keepSrgbBelowHighlights(source: PixelSource, hdr: Float32Array): void {
  const data = source.data
  const scale = data instanceof Uint8Array ? 1 / 255 : data instanceof Uint16Array ? 1 / 65535 : 1
  const ramp = 1 / (1 - BLEND_RAMP_START)
  const chunk = 1 << 16
  const linear = new Float32Array(chunk)
  for (let start = 0; start < hdr.length; start += chunk) {
    const count = Math.min(chunk, hdr.length - start)
    lineariseSamples(source, start, count, linear)
    for (let i = 0; i < count; i++) {
      const alpha = Math.min(1, Math.max(0, (data[start + i] * scale - BLEND_RAMP_START) * ramp))
      hdr[start + i] = (1 - alpha) * linear[i] + alpha * hdr[start + i]
    }
  }
}

/**
 * Low-light counterpart of `engine.predictStrips`: the whole photo is processed (exposure and
 * noise need global statistics), then handed to `sink` in strips of at most `stripRows` rows.
 * @param engine A loaded engine.
 * @param source sRGB floats in [0,1] or 8/16-bit sRGB samples.
 * @param sink Receives matching linear and display strips.
 * @param options Cancel and progress.
 * @returns Time spent predicting and processing.
 * @throws UnclipError `CANCELLED`; whatever `sink` throws.
 */
export async function predictLowLightStrips(
  engine: Engine,
  source: PixelSource,
  sink: LowLightSink,
  options: PredictOptions = {},
  stripRows = 256
): Promise<PredictTimings> {
  const { linear, display, timings } = await lowLightImage(engine, source, options)
  const rowLength = source.width * 3
  for (let y = 0; y < source.height; y += stripRows) {
    throwIfAborted(options.signal)
    const rows = Math.min(stripRows, source.height - y)
    const strip = (image: RgbImage): RgbImage => ({
      width: source.width,
      height: rows,
      data: image.data.subarray(y * rowLength, (y + rows) * rowLength)
    })
    await sink(strip(linear), strip(display), y)
  }
  return timings
}
