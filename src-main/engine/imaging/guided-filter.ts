/**
 * The guided filter's fit (He, Sun & Tang, TPAMI 2013), shared by the ratio fit and the low-light
 * denoiser: in every window, the input `p` as a linear function `a·I + b` of the guide `I`, then
 * `a` and `b` averaged over the windows that cover each pixel.
 */
import { boxMean } from './box-filter'

/** Window statistics of one guide and one input, `width·height` values each. */
export interface GuidedStatistics {
  width: number
  height: number
  /** Window means of I and of I². */
  meanI: Float32Array
  meanII: Float32Array
  /** Window means of p and of I·p; they receive mean(b) and mean(a). */
  meanP: Float32Array
  meanIP: Float32Array
}

/** How the fit is regularised. */
export interface GuidedFit {
  /** Window radius in pixels, the one the statistics were taken with. */
  radius: number
  /** Regulariser in guide units squared, ≥ 0: edges with less variance are smoothed over. */
  eps: number
  /**
   * Least variance used: `mean(I²) − mean(I)²` rounds slightly below 0 in flat windows. 0 where
   * `eps` may be 0 (the denoiser); `-Infinity` keeps the rounded value, as the ratio fit always has
   * (its `eps` dwarfs the rounding, and its outputs are pinned to the bit).
   */
  varianceFloor: number
}

/**
 * Fits `a = cov(I, p) / (var(I) + eps)`, `b = mean(p) − a·mean(I)` per window and box-averages
 * them, in place: afterwards `meanIP` holds mean(a) and `meanP` mean(b), so the filtered value at a
 * pixel is `meanIP·I + meanP`.
 * @param stats Window means from `boxMean` with radius `fit.radius`.
 * @param fit Radius, regulariser and variance floor.
 * @param scratch `width·height` floats of working space.
 */
export function fitGuidedCoefficients(stats: GuidedStatistics, fit: GuidedFit, scratch: Float32Array): void {
  const { width: w, height: h, meanI, meanII, meanP, meanIP } = stats
  const { radius: r, eps, varianceFloor } = fit
  const n = w * h
  for (let i = 0; i < n; i++) {
    const denominator = Math.max(meanII[i] - meanI[i] * meanI[i], varianceFloor) + eps
    // A flat window with eps = 0 (a noise-free photo measures σ = 0) is 0/0; there every slope
    // gives the window's mean, so take 0 rather than NaN.
    const a = denominator > 0 ? (meanIP[i] - meanI[i] * meanP[i]) / denominator : 0
    meanIP[i] = a
    meanP[i] = meanP[i] - a * meanI[i]
  }
  boxMean(meanIP, w, h, r, meanIP, scratch)
  boxMean(meanP, w, h, r, meanP, scratch)
}
