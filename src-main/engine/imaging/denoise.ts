/**
 * Noise estimation and edge-aware smoothing for low-light mode, on single float planes.
 *
 * Works in the sRGB-encoded domain, where shot noise (variance ∝ signal) is roughly the same at
 * every level, so one noise figure per plane describes the whole photo. The smoothing is the
 * guided filter (He, Sun & Tang, TPAMI 2013): O(1) per pixel whatever the radius, and it keeps
 * edges whose local variance stands above the regulariser `eps` while averaging away the rest.
 */
import { boxMean } from './box-filter'
import { fitGuidedCoefficients } from './guided-filter'

/** A single-channel float image, row-major. */
export interface Plane {
  width: number
  height: number
  data: Float32Array
}

/** At most this many pixels are looked at to estimate the noise; a sparse grid on larger photos. */
const NOISE_SAMPLES = 1 << 18
/** The weaker half of the responses is kept: the stronger are edges and texture, not noise. */
const FLAT_SHARE = 0.5
/**
 * Mean of |X| over the lower half of |X| for X ~ N(0, 1): 4·(φ(0) − φ(0.6745)). The kernel's
 * response to noise of σ is N(0, 36σ²), so σ = (mean of the weaker half) / (6 · this).
 */
const HALF_NORMAL_LOWER_MEAN = 0.3245

/**
 * Noise standard deviation of a plane, from the flattest half of the image (Immerkær, CVIU 1996:
 * the 3×3 difference-of-Laplacians kernel cancels smooth image content, leaving noise with
 * variance 36σ²). Averaging only the weaker half of the responses keeps edges out of the figure.
 * @param plane The plane to measure, at least 3×3 (smaller ones report 0).
 * @returns σ in the plane's units.
 */
export function estimateNoise(plane: Plane): number {
  const { width: w, height: h, data } = plane
  if (w < 3 || h < 3) return 0
  const stride = Math.max(1, Math.ceil(Math.sqrt(((w - 2) * (h - 2)) / NOISE_SAMPLES)))
  const responses: number[] = []
  for (let y = 1; y < h - 1; y += stride) {
    for (let x = 1; x < w - 1; x += stride) {
      const i = y * w + x
      const up = i - w
      const down = i + w
      const r =
        data[up - 1] -
        2 * data[up] +
        data[up + 1] -
        2 * data[i - 1] +
        4 * data[i] -
        2 * data[i + 1] +
        data[down - 1] -
        2 * data[down] +
        data[down + 1]
      responses.push(Math.abs(r))
    }
  }
  const sorted = Float64Array.from(responses).sort()
  const kept = Math.max(1, Math.floor(sorted.length * FLAT_SHARE))
  let sum = 0
  for (let i = 0; i < kept; i++) sum += sorted[i]
  return sum / kept / (6 * HALF_NORMAL_LOWER_MEAN)
}

/**
 * Guided filter: smooths `input` where `guide` is flat (local variance below `eps`) and follows
 * `guide`'s edges elsewhere.
 * @param guide Guide plane, same size as `input` (may be `input` itself).
 * @param input Plane to smooth.
 * @param r Window radius in pixels.
 * @param eps Regulariser in guide units squared; 0 returns (almost) the input.
 * @returns A new plane.
 */
export function guidedFilter(guide: Plane, input: Plane, r: number, eps: number): Plane {
  const steps = guidedFilterSteps(guide, input, r, eps)
  for (;;) {
    const next = steps.next()
    if (next.done) return next.value
  }
}

/** Pauses `guidedFilterSteps` makes: after each of its four box means and after the fit. */
export const GUIDED_FILTER_PAUSES = 5

/**
 * `guidedFilter` as chunks: it pauses `GUIDED_FILTER_PAUSES` times (each pause a whole-plane pass
 * or two), so a caller working on a large photo can report progress and stop between them.
 */
export function* guidedFilterSteps(guide: Plane, input: Plane, r: number, eps: number): Generator<void, Plane> {
  const { width: w, height: h } = input
  const n = w * h
  const I = guide.data
  const p = input.data
  const scratch = new Float32Array(n)
  const meanI = boxMean(I, w, h, r, new Float32Array(n), scratch)
  yield
  const meanP = boxMean(p, w, h, r, new Float32Array(n), scratch)
  yield
  const product = new Float32Array(n)
  for (let i = 0; i < n; i++) product[i] = I[i] * p[i]
  const meanIP = boxMean(product, w, h, r, new Float32Array(n), scratch)
  yield
  for (let i = 0; i < n; i++) product[i] = I[i] * I[i]
  const meanII = boxMean(product, w, h, r, new Float32Array(n), scratch)
  yield
  fitGuidedCoefficients(
    { width: w, height: h, meanI, meanII, meanP, meanIP },
    { radius: r, eps, varianceFloor: 0 },
    scratch
  )
  yield
  // meanIP now holds mean(a), meanP mean(b).
  const out = product
  for (let i = 0; i < n; i++) out[i] = meanIP[i] * I[i] + meanP[i]
  return { width: w, height: h, data: out }
}
