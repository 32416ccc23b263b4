/**
 * Gain-map computation from an HDR image and its SDR rendition, following the Ultra HDR v1 /
 * Adobe gain-map formulas (single channel, on linear luminance):
 *
 * 1. `Y_sdr` = luminance of the sRGB-decoded SDR pixel, `Y_hdr` = luminance of the linear HDR
 *    pixel, both relative to SDR white = 1.
 * 2. `gain = (Y_hdr + offsetHdr) / (Y_sdr + offsetSdr)`, `log_gain = log2(gain)`.
 * 3. `recovery = clamp((log_gain − gainMapMin) / (gainMapMax − gainMapMin), 0, 1)`, where
 *    gainMapMin/Max are log2 of the min/max content boost.
 * 4. `encoded = round(recovery^gamma · 255)`; gamma is 1 here (the log domain already spreads the
 *    values evenly), so the map stores `recovery` directly.
 *
 * A decoder rebuilds `HDR = (SDR_linear + offsetSdr) · 2^(gainMapMin·(1−r) + gainMapMax·r) − offsetHdr`
 * per channel. Because the luminance weights sum to 1, the rebuilt luminance equals `Y_hdr`
 * up to quantisation.
 *
 * Downscaling averages `log_gain` over `scale × scale` blocks (before normalising), which is what
 * a bilinear upsample in the decoder interpolates between.
 */
import { UnclipError } from '../../errors'
import { luminance, srgbDecode } from '../../imaging/tonemap'
import type { RgbImage } from '../../types'

/** Offsets the Ultra HDR reference encoder uses; they keep black pixels' gain finite. */
export const GAIN_MAP_OFFSET = 1 / 64

/** Smallest log2 range the map spans, so a flat gain still gives a valid (max > min) range. */
const MIN_LOG2_RANGE = 1 / 64

/** Gain-map parameters in the spaces the hdrgm: XMP uses (log2 for boosts and capacities). */
export interface GainMapParams {
  /** log2 of the minimum content boost. */
  gainMapMin: number
  /** log2 of the maximum content boost; always > gainMapMin and > 0. */
  gainMapMax: number
  gamma: number
  offsetSdr: number
  offsetHdr: number
  /** log2 of the display headroom from which the map starts to apply (0: any HDR display). */
  hdrCapacityMin: number
  /** log2 of the display headroom at which the map applies fully. */
  hdrCapacityMax: number
}

/** An 8-bit single-channel gain map and the parameters needed to apply it. */
export interface GainMap {
  width: number
  height: number
  /** `width·height` samples, row-major. */
  data: Uint8Array
  params: GainMapParams
}

export interface GainMapOptions {
  /** Each side of the map is the image's side divided by this (rounded up); integer ≥ 1. */
  scale: number
  /** Caps the stored boost (linear, > 1); brighter HDR pixels are clipped to it. */
  maxContentBoost?: number
}

/**
 * Computes the gain map that turns `sdr` into `hdr` (see the module comment for the formulas).
 * @param hdr Linear radiance, SDR white = 1.
 * @param sdr Interleaved sRGB-encoded 8-bit RGB of the same size.
 * @param options Downscale factor and optional boost cap.
 * @returns The quantised map with its parameters.
 * @throws UnclipError `INVALID_ARGUMENT` when the sizes differ or an option is out of range.
 * @example
 * const map = computeGainMap(hdr, toneMapImage(hdr, DEFAULT_TONEMAP, 8) as Uint8Array, { scale: 4 })
 */
export function computeGainMap(hdr: RgbImage, sdr: Uint8Array, options: GainMapOptions): GainMap {
  const { width, height } = hdr
  const pixels = width * height
  if (hdr.data.length !== pixels * 3) {
    throw invalid(`Expected ${width}×${height}×3 = ${pixels * 3} HDR samples but received ${hdr.data.length}`)
  }
  if (sdr.length !== pixels * 3) {
    throw invalid(`Expected ${width}×${height}×3 = ${pixels * 3} SDR samples but received ${sdr.length}`)
  }
  const { scale, maxContentBoost } = options
  if (!Number.isInteger(scale) || scale < 1) {
    throw invalid(`Expected positive integer for gainMapScale but received ${String(scale)}`)
  }
  if (maxContentBoost !== undefined && !(maxContentBoost > 1 && Number.isFinite(maxContentBoost))) {
    throw invalid(`Expected finite number > 1 for maxContentBoost but received ${String(maxContentBoost)}`)
  }

  const decode = srgbTable()
  const logGain = new Float32Array(pixels)
  for (let p = 0, i = 0; p < pixels; p++, i += 3) {
    const ySdr = luminance(decode[sdr[i]], decode[sdr[i + 1]], decode[sdr[i + 2]])
    const h = hdr.data
    // Negative or NaN radiance carries no light; treat it as black.
    const yHdr = Math.max(0, luminance(h[i], h[i + 1], h[i + 2])) || 0
    logGain[p] = Math.log2((yHdr + GAIN_MAP_OFFSET) / (ySdr + GAIN_MAP_OFFSET))
  }

  const mapWidth = Math.ceil(width / scale)
  const mapHeight = Math.ceil(height / scale)
  const blocks = scale === 1 ? logGain : blockAverage(logGain, width, height, scale, mapWidth, mapHeight)

  let lo = Infinity
  let hi = -Infinity
  for (const v of blocks) {
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  if (maxContentBoost !== undefined) hi = Math.min(hi, Math.log2(maxContentBoost))
  lo = Math.min(lo, hi)
  // hdrgm requires GainMapMax > GainMapMin and HDRCapacityMax > HDRCapacityMin (= 0).
  const gainMapMax = Math.max(hi, lo + MIN_LOG2_RANGE, MIN_LOG2_RANGE)
  const gainMapMin = lo

  const data = new Uint8Array(mapWidth * mapHeight)
  const range = gainMapMax - gainMapMin
  for (let k = 0; k < data.length; k++) {
    const r = (blocks[k] - gainMapMin) / range
    data[k] = Math.round((r < 0 ? 0 : r > 1 ? 1 : r) * 255)
  }

  return {
    width: mapWidth,
    height: mapHeight,
    data,
    params: {
      gainMapMin,
      gainMapMax,
      gamma: 1,
      offsetSdr: GAIN_MAP_OFFSET,
      offsetHdr: GAIN_MAP_OFFSET,
      hdrCapacityMin: 0,
      hdrCapacityMax: gainMapMax
    }
  }
}

/** Mean of each `scale × scale` block (partial blocks at the right/bottom edge average what they have). */
function blockAverage(
  values: Float32Array,
  width: number,
  height: number,
  scale: number,
  outW: number,
  outH: number
): Float32Array {
  const sums = new Float64Array(outW * outH)
  const counts = new Uint32Array(outW * outH)
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / scale) * outW
    for (let x = 0; x < width; x++) {
      const k = row + Math.floor(x / scale)
      sums[k] += values[y * width + x]
      counts[k]++
    }
  }
  const out = new Float32Array(outW * outH)
  for (let k = 0; k < out.length; k++) out[k] = sums[k] / counts[k]
  return out
}

let srgbLut: Float64Array | undefined

/** Linear value of each 8-bit sRGB code. */
function srgbTable(): Float64Array {
  if (!srgbLut) {
    srgbLut = new Float64Array(256)
    for (let v = 0; v < 256; v++) srgbLut[v] = srgbDecode(v / 255)
  }
  return srgbLut
}

function invalid(message: string): UnclipError {
  return new UnclipError('INVALID_ARGUMENT', message)
}
