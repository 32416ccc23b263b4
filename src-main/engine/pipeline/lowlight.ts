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
 *    Black point — the darkest channel's 2 % quantile `b` (`blackLevel`), capped at two input
 *    codes' worth of light times the gain (the floor an 8-bit photo's quantisation and noise leave),
 *    is pulled to black by a toe (`blackToe`) that leaves everything from 8·b up alone, so the
 *    scene's blacks stay black instead of the gain lifting that floor to grey, and the mid-tones
 *    keep their exposure.
 * 3. Highlights — per channel, identity up to `LOW_LIGHT_KNEE` (0.75) and an extended-Reinhard
 *    shoulder above it that reaches 1.0 at the white point `W`: the 99.9th percentile of the
 *    brightest channel (at least 1, where the shoulder is the identity). So no more than 0.1% of
 *    pixels can clip, and mid-tones are not compressed at all.
 *
 * Outputs: display-referred files (PNG, JPEG) get the result of step 3 and are only sRGB-encoded
 * (`LOW_LIGHT_DISPLAY_TONEMAP`: the photo's own tone settings do not apply); linear files (.hdr,
 * .exr, Ultra HDR) get step 2's output, the exposure-corrected, denoised radiance with its
 * highlights intact (Ultra HDR's base image then clips at 1.0 and its gain map keeps the rest).
 * `LowLightControls` shift the exposure, scale the denoiser and move the black point. The work is
 * chunked (`lowLightSteps`) so a cancel lands between chunks. Memory: the whole prediction is held
 * as floats (12 bytes a pixel) plus about three times that while processing.
 */
import { throwIfAborted } from '../errors'
import { estimateNoise, GUIDED_FILTER_PAUSES, guidedFilterSteps, type Plane } from '../imaging/denoise'
import { srgbDecode, srgbEncode } from '../imaging/tonemap'
import type { RgbImage } from '../types'
import { blackLevel, blackToe, displayOf, exposureGain, whitePointOf } from './lowlight-tone'
import { DEFAULT_LOW_LIGHT_CONTROLS, type LowLightControls } from '../domain/tone-limits'

export { DEFAULT_LOW_LIGHT_CONTROLS, type LowLightControls }

// The exposure and highlight rules live beside this module; callers import them from here too.
export {
  blackLevel,
  blackToe,
  compressHighlight,
  exposureGain,
  LOW_LIGHT_KEY,
  LOW_LIGHT_KNEE,
  lowLightDisplay,
  whitePointOf
} from './lowlight-tone'

/** Pixels a chunk of `lowLightSteps` passes over at most: about a third of a second on a busy 2-core machine. */
const SLICE_PIXELS = 1 << 20
const LUMA_RADIUS = 2
const LUMA_STRENGTH = 3
const LUMA_PASSES = 3
const CHROMA_RADIUS = 4
const CHROMA_STRENGTH = 4
/** At the default black point, its level is at most this many 8-bit input codes (linear, times the gain). */
const BLACK_FLOOR_CODES = 2
/** Rec.601 luma weights on encoded values, which keep the colour-difference planes small. */
const KR = 0.299
const KG = 0.587
const KB = 0.114

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

/** Where processing is: yielded between chunks of work, so callers can report it and stop there. */
export interface LowLightStep {
  stage: 'denoise' | 'tone'
  /** Share of the processing done, in [0, 1). */
  fraction: number
}

/**
 * Steps 1–3 of the module comment on a whole prediction, as chunks of at most one pass over
 * `SLICE_PIXELS` pixels (or one box mean of a filter pass): it yields after each, so
 * `processLowLightAsync` can report the stage, keep its thread's event loop turning and stop on a
 * cancel between chunks.
 * @param hdr The model's linear prediction; not modified.
 * @returns Linear and display images and the figures that shaped them.
 */
export function* lowLightSteps(
  hdr: RgbImage,
  controls: LowLightControls = DEFAULT_LOW_LIGHT_CONTROLS
): Generator<LowLightStep, LowLightResult> {
  const { width, height, data } = hdr
  const n = width * height
  const slices = Math.ceil(n / SLICE_PIXELS)
  const filterChunks = controls.denoise > 0 ? (LUMA_PASSES + 2) * (GUIDED_FILTER_PAUSES + 1) : 0
  // exposure, planes, noise, filters, reconstruction, three black levels, the toe, white point
  const chunks = 1 + slices + 1 + filterChunks + slices + 3 + (controls.blackPoint > 0 ? slices : 1) + 1
  let done = 0
  const step = (stage: LowLightStep['stage']): LowLightStep => ({
    stage,
    fraction: Math.min(++done / (chunks + 1), 0.99)
  })
  /** Runs `inner`, yielding this stage's step at each of its pauses and once at its end. */
  function* paced<T>(stage: LowLightStep['stage'], inner: Generator<void, T>): Generator<LowLightStep, T> {
    for (;;) {
      const next = inner.next()
      yield step(stage)
      if (next.done) return next.value
    }
  }
  /** `body` over [start, end) pixel ranges of at most `SLICE_PIXELS`, pausing after each. */
  function* sliced(body: (start: number, end: number) => void): Generator<void, void> {
    for (let start = 0; start < n; start += SLICE_PIXELS) {
      body(start, Math.min(n, start + SLICE_PIXELS))
      if (start + SLICE_PIXELS < n) yield
    }
  }

  const gain = exposureGain(hdr) * 2 ** controls.brightnessEv
  yield step('denoise')
  const plane = (): Plane => ({ width, height, data: new Float32Array(n) })
  const luma = plane()
  const cr = plane()
  const cb = plane()
  yield* paced(
    'denoise',
    sliced((start, end) => {
      for (let i = start; i < end; i++) {
        const r = srgbEncode(Math.max(0, data[3 * i] * gain))
        const g = srgbEncode(Math.max(0, data[3 * i + 1] * gain))
        const b = srgbEncode(Math.max(0, data[3 * i + 2] * gain))
        const y = KR * r + KG * g + KB * b
        luma.data[i] = y
        cr.data[i] = r - y
        cb.data[i] = b - y
      }
    })
  )
  const noise = estimateNoise(luma)
  const chromaNoise = Math.max(estimateNoise(cr), estimateNoise(cb))
  yield step('denoise')
  let cleanLuma = luma
  let cleanCr = cr
  let cleanCb = cb
  if (controls.denoise > 0) {
    for (let pass = 0; pass < LUMA_PASSES; pass++) {
      const eps = (LUMA_STRENGTH * controls.denoise * noise) ** 2
      cleanLuma = yield* paced('denoise', guidedFilterSteps(cleanLuma, cleanLuma, LUMA_RADIUS, eps))
    }
    // Colour noise is judged against the luma guide: flat luma (relative to its own noise) means flat colour.
    const chromaEps = (CHROMA_STRENGTH * controls.denoise * Math.max(noise, chromaNoise)) ** 2
    cleanCr = yield* paced('denoise', guidedFilterSteps(cleanLuma, cr, CHROMA_RADIUS, chromaEps))
    cleanCb = yield* paced('denoise', guidedFilterSteps(cleanLuma, cb, CHROMA_RADIUS, chromaEps))
  }

  const linear = new Float32Array(3 * n)
  yield* paced(
    'tone',
    sliced((start, end) => {
      for (let i = start; i < end; i++) {
        const y = cleanLuma.data[i]
        // Red and blue clamp before green is solved from the luma: solving with a negative red or blue
        // (dark, noisy chroma) raised green, the green-grey cast of dark areas.
        const r = Math.max(0, y + cleanCr.data[i])
        const b = Math.max(0, y + cleanCb.data[i])
        const g = (y - KR * r - KB * b) / KG
        linear[3 * i] = srgbDecode(r)
        linear[3 * i + 1] = srgbDecode(Math.max(0, g))
        linear[3 * i + 2] = srgbDecode(b)
      }
    })
  )
  const linearImage = { width, height, data: linear }
  const levels = [0, 0, 0]
  for (let c = 0; c < 3; c++) {
    levels[c] = blackLevel(linearImage, c, controls.blackPoint)
    yield step('tone')
  }
  // One level for all channels: a level per channel shifted the darks' colour balance
  // (+1.6 ΔE cast at −3 EV in training/lowlight_bench.py). At most the floor the input's own
  // quantisation leaves, brought up by the gain: above it the quantile is the scene's dark tone (a
  // sky, a lit room), and pulling that down crushed such scenes (−2.2 dB at −3 EV, 86 held-out scenes).
  // The slider scales the cap with the share (the default, 2 %, gives 2 codes), so it acts over its range.
  const codes = (BLACK_FLOOR_CODES * controls.blackPoint) / DEFAULT_LOW_LIGHT_CONTROLS.blackPoint
  const black = Math.min(...levels, codes * gain * srgbDecode(1 / 255))
  if (black > 0)
    yield* paced(
      'tone',
      sliced((start, end) => {
        for (let i = 3 * start; i < 3 * end; i++) linear[i] = blackToe(linear[i], black)
      })
    )
  else yield step('tone')
  const whitePoint = whitePointOf(linearImage)
  yield step('tone')
  return { linear: linearImage, display: displayOf(linearImage, whitePoint), whitePoint, gain, noise }
}

/**
 * Steps 1–3 of the module comment on a whole prediction, at once.
 * @param hdr The model's linear prediction; not modified.
 * @returns Linear and display images and the figures that shaped them.
 */
export function processLowLight(hdr: RgbImage, controls?: LowLightControls): LowLightResult {
  const steps = lowLightSteps(hdr, controls)
  for (;;) {
    const next = steps.next()
    if (next.done) return next.value
  }
}

/**
 * Steps 1–3 chunk by chunk, yielding to the event loop between chunks.
 * @param options `signal` is checked between chunks; `onStep` hears each chunk's end.
 * @throws UnclipError `CANCELLED` at the first chunk boundary after the signal fires.
 */
export async function processLowLightAsync(
  hdr: RgbImage,
  options: { signal?: AbortSignal; onStep?: (step: LowLightStep) => void; controls?: LowLightControls } = {}
): Promise<LowLightResult> {
  const steps = lowLightSteps(hdr, options.controls)
  for (;;) {
    throwIfAborted(options.signal)
    const next = steps.next()
    if (next.done) return next.value
    options.onStep?.(next.value)
    await new Promise((resolve) => setImmediate(resolve))
  }
}
