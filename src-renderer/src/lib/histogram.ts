import { luminance, srgbDecode } from '../../../src-main/engine/imaging/tonemap'

/** Log2-luminance range the histogram spans, in stops relative to the input's white (1.0). */
export interface HistogramRange {
  minStops: number
  maxStops: number
  bins: number
}

/**
 * −12 stops reaches below the darkest non-zero 8-bit sRGB code (1/255 decodes to 2^−11.7);
 * +8 leaves room for model highlights pushed up by the +5 EV maximum.
 */
export const DEFAULT_HISTOGRAM_RANGE: HistogramRange = Object.freeze({ minStops: -12, maxStops: 8, bins: 80 })

/**
 * Counts pixels per log2-luminance bin. Values below the range (including black, whose log is
 * −∞) land in the first bin and values above it in the last, so every pixel is counted once.
 * @param rgb Interleaved linear RGB.
 * @param offsetStops Added to every log2 luminance (the preview's EV) so the result histogram
 *   moves with the exposure slider without recomputing the image.
 * @returns `range.bins` counts.
 */
export function logLuminanceHistogram(
  rgb: Float32Array,
  range: HistogramRange = DEFAULT_HISTOGRAM_RANGE,
  offsetStops = 0
): Uint32Array {
  const counts = new Uint32Array(range.bins)
  const binsPerStop = range.bins / (range.maxStops - range.minStops)
  const last = range.bins - 1
  for (let i = 0; i + 2 < rgb.length; i += 3) {
    const lum = luminance(rgb[i], rgb[i + 1], rgb[i + 2])
    const bin = lum > 0 ? Math.floor((Math.log2(lum) + offsetStops - range.minStops) * binsPerStop) : 0
    counts[bin < 0 ? 0 : bin > last ? last : bin]++
  }
  return counts
}

/** Resolution of the exposure-independent histogram: 0.025 stop, so 0.1 EV slider steps move whole fine bins. */
export const FINE_BINS_PER_STOP = 40

/** Log2-luminance counts at FINE_BINS_PER_STOP, over a range wide enough for any exposure shift up to `maxShift`. */
export interface FineHistogram {
  counts: Uint32Array
  minStops: number
}

/**
 * Counts the image once, finely, so the exposure slider re-bins a thousand counts instead of the image's
 * millions of pixels (`shiftHistogram`).
 * @param maxShift Largest |exposure| in stops the result will be shifted by.
 */
export function fineLogHistogram(
  rgb: Float32Array,
  range: HistogramRange = DEFAULT_HISTOGRAM_RANGE,
  maxShift = 5
): FineHistogram {
  const minStops = range.minStops - maxShift
  const stops = range.maxStops + maxShift - minStops
  const counts = logLuminanceHistogram(rgb, { minStops, maxStops: minStops + stops, bins: stops * FINE_BINS_PER_STOP })
  return { counts, minStops }
}

/**
 * The display histogram of `fine` at exposure `offsetStops`: equal to `logLuminanceHistogram(rgb, range,
 * offsetStops)` when the offset is a multiple of 1 / FINE_BINS_PER_STOP stop and the display bins are whole
 * multiples of the fine ones (the default range: 10 fine bins each).
 */
export function shiftHistogram(fine: FineHistogram, range: HistogramRange, offsetStops: number): Uint32Array {
  const out = new Uint32Array(range.bins)
  const binsPerStop = range.bins / (range.maxStops - range.minStops)
  const last = range.bins - 1
  for (let f = 0; f < fine.counts.length; f++) {
    if (fine.counts[f] === 0) continue
    const centre = fine.minStops + (f + 0.5) / FINE_BINS_PER_STOP
    const bin = Math.floor((centre + offsetStops - range.minStops) * binsPerStop)
    out[bin < 0 ? 0 : bin > last ? last : bin] += fine.counts[f]
  }
  return out
}

/**
 * Linearises interleaved sRGB-encoded values, so the input's histogram shares the result's
 * scene-linear axis.
 * @param srgb Interleaved sRGB-encoded RGB in [0,1].
 * @returns A new array of linear values.
 */
export function decodeSrgbImage(srgb: Float32Array): Float32Array {
  const lut = new Float32Array(4096)
  for (let i = 0; i < lut.length; i++) lut[i] = srgbDecode(i / (lut.length - 1))
  const out = new Float32Array(srgb.length)
  const top = lut.length - 1
  for (let i = 0; i < srgb.length; i++) {
    const v = srgb[i]
    // 4096 steps are 16× finer than 8-bit codes, plenty for a 1/4-stop histogram.
    out[i] = v <= 0 ? 0 : v >= 1 ? 1 : lut[Math.round(v * top)]
  }
  return out
}

/**
 * Stops position of the left edge of a bin, for axis labels.
 * @returns `minStops + bin · stopsPerBin`.
 */
export function binStartStops(bin: number, range: HistogramRange = DEFAULT_HISTOGRAM_RANGE): number {
  return range.minStops + (bin * (range.maxStops - range.minStops)) / range.bins
}
