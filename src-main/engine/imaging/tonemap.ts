/**
 * Tone mapping shared by PNG export and the WebGL2 live preview. Pure (no Node imports) so the
 * renderer imports this very module; `TONEMAP_GLSL` is the same pipeline for the GPU.
 *
 * For linear radiance `rgb` and settings `{ operator, exposureEv: EV, whitePoint: W, gamma }`:
 *
 * 1. `scaled = rgb · 2^EV`
 * 2. operator `'exposure'`: `mapped = scaled`.
 *    operator `'reinhard'` (extended Reinhard on luminance, colour ratios kept):
 *    `L = 0.2126·R + 0.7152·G + 0.0722·B` of `scaled`, `Ld = L·(1 + L/W²)/(1 + L)`,
 *    `mapped = scaled · Ld/L`, computed as `scaled · (1 + L/W²)/(1 + L)` so there is no division
 *    by L; `mapped = 0` when `L ≤ 0`. `W ≥ 1e18` (including `Infinity`) gives plain Reinhard
 *    `L/(1+L)`: 1/W² is taken as 0, which is what it underflows to in float32 anyway.
 *    operator `'highlights'` (the default: the photo as it was, with its highlights back): on
 *    `m = max(R, G, B)` of `scaled`, identity up to the knee `K = HIGHLIGHT_KNEE`; above it the
 *    excess is extended-Reinhard-compressed into the room left below 1, `s = 1 − K`:
 *    `u = (m − K)/s`, `U = max(1, (W − K)/s)`, `m' = K + s·u·(1 + u/U²)/(1 + u)`, and
 *    `mapped = scaled · m'/m`. Slope 1 at the knee, `m = W` lands on 1, colour ratios kept; `W`
 *    is usually the result's own peak (`autoWhitePoint`). `W ≥ 1e18` takes 1/U² as 0.
 * 3. Clamp each channel to [0,1] (NaN becomes 0).
 * 4. sRGB-encode each channel (IEC 61966-2-1 piecewise curve).
 * 5. Display gamma: `v^(1/gamma)`; `gamma = 1` leaves plain sRGB.
 *
 * The GLSL follows the same steps in the same order, so preview and export differ only by
 * float32 vs float64 rounding, far below 1/255.
 */
import { UnclipError } from '../errors'
import { TONE_OPERATORS } from '../domain/tone-limits'
import type { RgbImage, ToneMapSettings, ToneOperator } from '../types'

/**
 * Linear level up to which `'highlights'` leaves a pixel's brightest channel alone: tones below it
 * look exactly as in the input (sRGB 0.88, code 225); the range above holds everything that was
 * clipped. Chosen on the val photos (`bench/rendering.ts`).
 */
export const HIGHLIGHT_KNEE = 0.75

/**
 * The settings the app starts with and export uses when none are given: the input's tones below
 * the knee, the recovered highlights compressed above it, white at 64× (the slider's top). The app,
 * its batches and the CLI by default replace the white point with each result's own peak
 * (`autoWhitePoint`; `ConvertOptions.autoWhitePoint`).
 */
export const DEFAULT_TONEMAP: ToneMapSettings = Object.freeze({
  operator: 'highlights',
  exposureEv: 0,
  whitePoint: 64,
  gamma: 1
})

/**
 * The white point that puts a result's brightest channel on display white after `exposureEv`.
 * @param peak The result's largest channel value (1.0 = the input's clipping level).
 * @returns At least 1, so a result with nothing above clipping is left as it is.
 */
export function autoWhitePoint(peak: number, exposureEv: number): number {
  const white = peak * Math.pow(2, exposureEv)
  return Number.isFinite(white) && white > 1 ? white : 1
}

/**
 * Largest channel value of linear samples: the peak `autoWhitePoint` takes.
 * @returns 0 for no samples; NaN samples are passed over.
 */
export function peakOf(data: Float32Array): number {
  let max = 0
  // An indexed loop: for-of over a typed array measured ~30x slower here (0.66 s on 12 MP).
  for (let i = 0; i < data.length; i++) if (data[i] > max) max = data[i]
  return max
}

/**
 * Tone settings for low-light mode's `display` strips, in its writers and the app's preview: clamp
 * to [0,1] and sRGB-encode, nothing else (exposure and curve are already applied).
 */
export const LOW_LIGHT_DISPLAY_TONEMAP: ToneMapSettings = Object.freeze({
  operator: 'exposure',
  exposureEv: 0,
  whitePoint: Infinity,
  gamma: 1
})

/** The `op` integer `unclipToneMap` in `TONEMAP_GLSL` takes for each operator. */
export const TONE_OPERATOR_INDEX: Readonly<Record<ToneOperator, number>> = Object.freeze({
  reinhard: 0,
  exposure: 1,
  highlights: 2
})

/** From this white point on, 1/W² is treated as 0 (plain Reinhard). */
const PLAIN_REINHARD_WHITE_POINT = 1e18

const LUMA_R = 0.2126
const LUMA_G = 0.7152
const LUMA_B = 0.0722

/**
 * Linear → sRGB-encoded value (IEC 61966-2-1). Inputs outside [0,1] follow the same formula.
 * @param linear Linear-light value, normally in [0,1].
 * @returns The display-encoded value.
 */
export function srgbEncode(linear: number): number {
  return linear <= 0.0031308 ? 12.92 * linear : 1.055 * Math.pow(linear, 1 / 2.4) - 0.055
}

/**
 * sRGB-encoded → linear value (IEC 61966-2-1), the inverse of `srgbEncode`.
 * @param encoded Display-encoded value, normally in [0,1].
 * @returns The linear-light value.
 */
export function srgbDecode(encoded: number): number {
  return encoded <= 0.04045 ? encoded / 12.92 : Math.pow((encoded + 0.055) / 1.055, 2.4)
}

/**
 * Relative luminance of linear Rec.709/sRGB primaries.
 * @returns `0.2126·r + 0.7152·g + 0.0722·b`
 */
export function luminance(r: number, g: number, b: number): number {
  return LUMA_R * r + LUMA_G * g + LUMA_B * b
}

/**
 * Checks settings the way every entry point needs them.
 * @throws UnclipError `INVALID_ARGUMENT` naming the bad field and the value received.
 */
export function assertToneMapSettings(settings: ToneMapSettings): void {
  const { operator, exposureEv, whitePoint, gamma } = settings
  if (!(TONE_OPERATORS as readonly unknown[]).includes(operator)) {
    const names = TONE_OPERATORS.map((name) => `'${name}'`).join(', ')
    throw invalid(`Expected tone-map operator ${names} but received ${describe(operator)}`)
  }
  if (typeof exposureEv !== 'number' || !Number.isFinite(exposureEv)) {
    throw invalid(`Expected finite number for exposureEv but received ${describe(exposureEv)}`)
  }
  if (typeof whitePoint !== 'number' || !(whitePoint > 0)) {
    throw invalid(`Expected positive number for whitePoint but received ${describe(whitePoint)}`)
  }
  if (typeof gamma !== 'number' || !(gamma > 0) || !Number.isFinite(gamma)) {
    throw invalid(`Expected positive finite number for gamma but received ${describe(gamma)}`)
  }
}

/**
 * Tone-maps one linear pixel (see the module comment for the formulas).
 * @param settings Validated on every call; use `toneMapImage` for many pixels.
 * @returns Display-encoded `[r, g, b]`, each in [0,1].
 * @throws UnclipError `INVALID_ARGUMENT` for bad settings.
 * @example toneMapPixel(1, 1, 1, { operator: 'reinhard', exposureEv: 0, whitePoint: Infinity, gamma: 1 }) // ≈ [0.7354, 0.7354, 0.7354]
 */
export function toneMapPixel(r: number, g: number, b: number, settings: ToneMapSettings): [number, number, number] {
  assertToneMapSettings(settings)
  const k = prepare(settings)
  const f = channelFactor(r * k.scale, g * k.scale, b * k.scale, k)
  return [
    display(r * k.scale * f, k.invGamma),
    display(g * k.scale * f, k.invGamma),
    display(b * k.scale * f, k.invGamma)
  ]
}

/**
 * Tone-maps a whole image to interleaved display RGB integers.
 * @param image Linear radiance.
 * @param bitDepth 8 gives `Uint8Array` (round(v·255)), 16 gives `Uint16Array` (round(v·65535)).
 * @returns Interleaved RGB, `width·height·3` samples.
 * @throws UnclipError `INVALID_ARGUMENT` for bad settings, bit depth or image shape.
 */
export function toneMapImage(image: RgbImage, settings: ToneMapSettings, bitDepth: 8 | 16): Uint8Array | Uint16Array {
  assertToneMapSettings(settings)
  if (bitDepth !== 8 && bitDepth !== 16) throw invalid(`Expected bit depth 8 or 16 but received ${describe(bitDepth)}`)
  const { width, height, data } = image
  if (data.length !== width * height * 3) {
    throw invalid(`Expected ${width}×${height}×3 = ${width * height * 3} samples but received ${data.length}`)
  }
  const k = prepare(settings)
  const quantiser = quantiserFor(bitDepth, k.invGamma)
  const out = bitDepth === 8 ? new Uint8Array(data.length) : new Uint16Array(data.length)
  for (let i = 0; i < data.length; i += 3) {
    const r = data[i] * k.scale
    const g = data[i + 1] * k.scale
    const b = data[i + 2] * k.scale
    const f = channelFactor(r, g, b, k)
    out[i] = quantise(r * f, quantiser)
    out[i + 1] = quantise(g * f, quantiser)
    out[i + 2] = quantise(b * f, quantiser)
  }
  return out
}

/**
 * GLSL ES 3.00 source defining `vec3 unclipToneMap(vec3 linearRgb, int op, float exposureEv,
 * float whitePoint, float gammaValue)`, the same pipeline as `toneMapPixel`. `op` comes from
 * `TONE_OPERATOR_INDEX`; pass `whitePoint` ≥ 1e18 for plain Reinhard since WebGL cannot be relied
 * on to carry `Infinity` into a uniform. Needs `precision highp float`.
 */
export const TONEMAP_GLSL = `
float unclipSrgbEncode(float v) {
  return v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1.0 / 2.4) - 0.055;
}

vec3 unclipToneMap(vec3 linearRgb, int op, float exposureEv, float whitePoint, float gammaValue) {
  vec3 scaled = linearRgb * exp2(exposureEv);
  vec3 mapped = scaled;
  if (op == ${TONE_OPERATOR_INDEX.reinhard}) {
    float lum = dot(scaled, vec3(${LUMA_R}, ${LUMA_G}, ${LUMA_B}));
    float invW2 = whitePoint >= ${PLAIN_REINHARD_WHITE_POINT.toExponential()} ? 0.0 : 1.0 / (whitePoint * whitePoint);
    mapped = lum > 0.0 ? scaled * ((1.0 + lum * invW2) / (1.0 + lum)) : vec3(0.0);
  } else if (op == ${TONE_OPERATOR_INDEX.highlights}) {
    float m = max(scaled.r, max(scaled.g, scaled.b));
    if (m > ${HIGHLIGHT_KNEE.toFixed(6)}) {
      float room = ${(1 - HIGHLIGHT_KNEE).toFixed(6)};
      float u = (m - ${HIGHLIGHT_KNEE.toFixed(6)}) / room;
      float bigU = max(1.0, (whitePoint - ${HIGHLIGHT_KNEE.toFixed(6)}) / room);
      float invU2 = whitePoint >= ${PLAIN_REINHARD_WHITE_POINT.toExponential()} ? 0.0 : 1.0 / (bigU * bigU);
      mapped = scaled * ((${HIGHLIGHT_KNEE.toFixed(6)} + room * u * (1.0 + u * invU2) / (1.0 + u)) / m);
    }
  }
  vec3 c = clamp(mapped, 0.0, 1.0);
  vec3 encoded = vec3(unclipSrgbEncode(c.r), unclipSrgbEncode(c.g), unclipSrgbEncode(c.b));
  return pow(encoded, vec3(1.0 / gammaValue));
}
`

interface Prepared {
  scale: number
  operator: ToneOperator
  invW2: number
  /** `'highlights'`: 1/U² of the shoulder (module comment). */
  invU2: number
  invGamma: number
}

const HIGHLIGHT_ROOM = 1 - HIGHLIGHT_KNEE

function prepare(settings: ToneMapSettings): Prepared {
  const w = settings.whitePoint
  const plain = w >= PLAIN_REINHARD_WHITE_POINT
  const bigU = Math.max(1, (w - HIGHLIGHT_KNEE) / HIGHLIGHT_ROOM)
  return {
    scale: Math.pow(2, settings.exposureEv),
    operator: settings.operator,
    invW2: plain ? 0 : 1 / (w * w),
    invU2: plain ? 0 : 1 / (bigU * bigU),
    invGamma: 1 / settings.gamma
  }
}

/** The factor each exposure-scaled channel is multiplied by before clamping. */
function channelFactor(r: number, g: number, b: number, k: Prepared): number {
  if (k.operator === 'exposure') return 1
  if (k.operator === 'highlights') {
    const m = r > g ? (r > b ? r : b) : g > b ? g : b
    if (!(m > HIGHLIGHT_KNEE)) return 1
    const u = (m - HIGHLIGHT_KNEE) / HIGHLIGHT_ROOM
    return (HIGHLIGHT_KNEE + (HIGHLIGHT_ROOM * u * (1 + u * k.invU2)) / (1 + u)) / m
  }
  const lum = LUMA_R * r + LUMA_G * g + LUMA_B * b
  return lum > 0 ? (1 + lum * k.invW2) / (1 + lum) : 0
}

/** Clamp (NaN → 0), sRGB encode, display gamma. */
function display(v: number, invGamma: number): number {
  const c = v > 0 ? (v < 1 ? v : 1) : 0
  const encoded = srgbEncode(c)
  return invGamma === 1 ? encoded : Math.pow(encoded, invGamma)
}

/**
 * Exact, table-driven `Math.round(display(v) * max)`: per-pixel `pow` calls made tone mapping the
 * slowest export stage. `thresholds[c]` is the smallest linear value that rounds to code `c`
 * (display is monotonic), and `start` gives, per bin of the linear range, the code at the bin's
 * lower edge, from which at most a few threshold steps reach the exact code.
 */
interface Quantiser {
  max: number
  bins: number
  start: Uint16Array
  thresholds: Float64Array
}

const quantisers = new Map<string, Quantiser>()

function quantiserFor(bitDepth: 8 | 16, invGamma: number): Quantiser {
  const key = `${bitDepth}:${invGamma}`
  let quantiser = quantisers.get(key)
  if (!quantiser) {
    const max = bitDepth === 8 ? 255 : 65535
    // Fine enough that the threshold walk below rarely takes a step (measured ~25% faster than 1/16 as many bins).
    const bins = bitDepth === 8 ? 1 << 16 : 1 << 20
    const thresholds = new Float64Array(max + 2)
    for (let c = 1; c <= max; c++) thresholds[c] = firstLinearRoundingTo(c, max, invGamma)
    thresholds[max + 1] = Infinity
    const start = new Uint16Array(bins)
    let code = 0
    for (let bin = 0; bin < bins; bin++) {
      const v = bin / bins
      while (v >= thresholds[code + 1]) code++
      start[bin] = code
    }
    quantiser = { max, bins, start, thresholds }
    if (quantisers.size > 16) quantisers.clear()
    quantisers.set(key, quantiser)
  }
  return quantiser
}

/**
 * Smallest v in [0,1] with Math.round(display(v) * max) >= code: the analytic inverse, then nudged
 * so the table agrees with the direct formula even where floating-point rounding differs.
 */
function firstLinearRoundingTo(code: number, max: number, invGamma: number): number {
  const roundsTo = (v: number): number => Math.round(display(v, invGamma) * max)
  let v = srgbDecode(Math.pow((code - 0.5) / max, 1 / invGamma))
  const step = (x: number): number => Math.max(Math.abs(x) * 2 ** -50, Number.MIN_VALUE)
  while (v < 1 && roundsTo(v) < code) v += step(v)
  while (v > 0 && roundsTo(v - step(v)) >= code) v -= step(v)
  return v
}

function quantise(v: number, q: Quantiser): number {
  if (!(v > 0)) return 0
  if (v >= 1) return q.max
  let code = q.start[(v * q.bins) | 0]
  const thresholds = q.thresholds
  while (v >= thresholds[code + 1]) code++
  return code
}

function invalid(message: string): UnclipError {
  return new UnclipError('INVALID_ARGUMENT', message)
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : `${String(value)} of type ${typeof value}`
}
