/**
 * The preview's size and the numbers the UI shows about the input and the prediction; the
 * display-size copies themselves are `downscaleArea`'s (`engine/imaging/resample.ts`).
 */
import { BLEND_RAMP_START, CLIP_THRESHOLD } from '../engine/domain/clip'
import { srgbDecode } from '../engine/imaging/tonemap'
import { PREVIEW_MAX_SIDE } from '../../src-preload/contract'
import { sampleUnit } from '../engine/imaging/samples'
import type { PixelSource, RgbImage } from '../engine/types'
import type { Prediction } from './prediction'

/** Preview size: long side at most `maxSide`, never upscaled, at least 1×1. */
export function previewSize(
  width: number,
  height: number,
  maxSide = PREVIEW_MAX_SIDE
): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height))
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) }
}

/**
 * Fraction of pixels with any channel at or above `CLIP_THRESHOLD` (sRGB-encoded input); integer
 * samples count as their float values (`samplesToImage`'s) would.
 */
export function clippedFraction(image: PixelSource): number {
  const threshold = image.data instanceof Float32Array ? CLIP_THRESHOLD : firstSampleAtLeast(image, CLIP_THRESHOLD)
  const data = image.data
  if (data.length === 0) return 0
  const clipped = data instanceof Uint8Array ? countClipped8(data, threshold) : countClipped(data, threshold, 0)
  return clipped / (data.length / 3)
}

/** Pixels from pixel `from` on with any channel at or above `threshold`. */
function countClipped(data: PixelSource['data'], threshold: number, from: number): number {
  let clipped = 0
  for (let i = 3 * from; i < data.length; i += 3) {
    if (data[i] >= threshold || data[i + 1] >= threshold || data[i + 2] >= threshold) clipped++
  }
  return clipped
}

/**
 * `countClipped` for 8-bit samples, four pixels (three 32-bit words) at a time: a group with no byte
 * at or above the threshold, most of any photo, is passed over with a few word operations (~3x
 * faster on a 12 MP photo). For a threshold t ≥ 128, a byte is at or above it exactly when its top bit
 * is set and its low seven bits plus 256 − t carry into the top bit (no carry leaves the byte).
 */
function countClipped8(data: Uint8Array, threshold: number): number {
  const groups = data.byteOffset % 4 === 0 && threshold >= 128 ? Math.floor(data.length / 12) : 0
  // Unaligned samples (a view into another buffer) are counted one pixel at a time.
  const words = groups > 0 ? new Uint32Array(data.buffer, data.byteOffset, groups * 3) : new Uint32Array(0)
  const carry = (256 - threshold) * 0x01010101
  const high = 0x80808080
  const low = 0x7f7f7f7f
  let clipped = 0
  for (let g = 0, w = 0; g < groups; g++, w += 3) {
    const a = words[w]
    const b = words[w + 1]
    const c = words[w + 2]
    if ((((a & low) + carry) & a & high) | (((b & low) + carry) & b & high) | (((c & low) + carry) & c & high)) {
      for (let i = 12 * g; i < 12 * g + 12; i += 3)
        if (data[i] >= threshold || data[i + 1] >= threshold || data[i + 2] >= threshold) clipped++
    }
  }
  return clipped + countClipped(data, threshold, groups * 4)
}

/**
 * The linear level the result gives an input sample just below `BLEND_RAMP_START`: below the ramp the
 * model's output is its own linearisation of the input (its tone head's per-image curve), so the mean
 * result over samples in the last 1/100 below the ramp estimates where that curve stands there.
 * @returns That mean, or the sRGB curve's value when no sample lies there.
 */
export function rampLevel(input: PixelSource, result: RgbImage): number {
  const low = BLEND_RAMP_START - 0.01
  const unit = sampleUnit(input.data)
  let sum = 0
  let count = 0
  for (let i = 0; i < input.data.length; i++) {
    const x = Math.fround(input.data[i] * unit)
    if (x >= low && x < BLEND_RAMP_START) {
      sum += result.data[i]
      count++
    }
  }
  return count > 0 ? sum / count : srgbDecode(BLEND_RAMP_START)
}

/**
 * The input linearised the way the result is, so "before" and "after" go through one tone mapping
 * and agree wherever the model kept the input: a channel below `BLEND_RAMP_START` takes the
 * result's value (which is exactly the model's linearisation there); above it the curve is carried
 * from `level` (`rampLevel`) to 1.0 at clipping along the sRGB curve's shape.
 * @param input sRGB-encoded input (floats, or samples read as `samplesToImage` reads them); `result`
 *   the prediction of the same size (or the same crop).
 * @returns Linear RGB, 1.0 = clipping.
 */
export function linearisedInput(input: PixelSource, result: RgbImage, level: number): RgbImage {
  const start = srgbDecode(BLEND_RAMP_START)
  const span = (1 - level) / (1 - start)
  const unit = sampleUnit(input.data)
  const data = new Float32Array(input.data.length)
  for (let i = 0; i < data.length; i++) {
    const x = Math.fround(input.data[i] * unit)
    data[i] = x < BLEND_RAMP_START ? result.data[i] : level + (srgbDecode(Math.min(1, x)) - start) * span
  }
  return { width: input.width, height: input.height, data }
}

/**
 * `rampLevel` and `linearisedInput` of one input, split at the moment its result exists: `planBefore`
 * reads the input alone (while the strip threads make the result), `finishBefore` then visits only
 * the samples at and just below the ramp. Bit for bit the two functions' values.
 */
export interface BeforePlan {
  input: RgbImage
  /** Samples in `rampLevel`'s band just below the ramp, ascending (its sum's order). */
  nearRamp: Int32Array
  /** Samples at or above the ramp start, ascending, and their `srgbDecode(min(1, x)) − srgbDecode(start)`. */
  aboveRamp: Int32Array
  aboveOffsets: Float64Array
}

/** Reads the input alone: which samples `finishBefore` will need, and the above-ramp ones' curve. */
export function planBefore(input: RgbImage): BeforePlan {
  const low = BLEND_RAMP_START - 0.01
  const start = srgbDecode(BLEND_RAMP_START)
  const data = input.data
  let near = 0
  let above = 0
  for (let i = 0; i < data.length; i++) {
    const x = data[i]
    if (x < BLEND_RAMP_START) {
      if (x >= low) near++
    } else above++
  }
  const nearRamp = new Int32Array(near)
  const aboveRamp = new Int32Array(above)
  const aboveOffsets = new Float64Array(above)
  near = 0
  above = 0
  for (let i = 0; i < data.length; i++) {
    const x = data[i]
    if (x < BLEND_RAMP_START) {
      if (x >= low) nearRamp[near++] = i
    } else {
      aboveRamp[above] = i
      aboveOffsets[above++] = srgbDecode(Math.min(1, x)) - start
    }
  }
  return { input, nearRamp, aboveRamp, aboveOffsets }
}

/** @returns `linearisedInput(plan.input, result, level)` and `level = rampLevel(plan.input, result)`. */
export function finishBefore(plan: BeforePlan, result: RgbImage): { before: RgbImage; level: number } {
  const { input, nearRamp, aboveRamp, aboveOffsets } = plan
  let sum = 0
  for (let k = 0; k < nearRamp.length; k++) sum += result.data[nearRamp[k]]
  const level = nearRamp.length > 0 ? sum / nearRamp.length : srgbDecode(BLEND_RAMP_START)
  const span = (1 - level) / (1 - srgbDecode(BLEND_RAMP_START))
  // Below the ramp "before" is the result itself; only the samples above it are computed.
  const data = new Float32Array(result.data)
  for (let k = 0; k < aboveRamp.length; k++) data[aboveRamp[k]] = level + aboveOffsets[k] * span
  return { before: { width: input.width, height: input.height, data }, level }
}

/** The input linearised with the sRGB curve (low light's results are compared with that). */
export function srgbLinearised(input: PixelSource): RgbImage {
  const unit = sampleUnit(input.data)
  const data = new Float32Array(input.data.length)
  for (let i = 0; i < data.length; i++) data[i] = srgbDecode(Math.fround(input.data[i] * unit))
  return { width: input.width, height: input.height, data }
}

/** A rectangle of full-resolution pixels. */
export interface Region {
  x: number
  y: number
  width: number
  height: number
}

/**
 * A copy of `region` of `image` (the region must lie inside it), as floats: integer samples take the
 * very values `samplesToImage` gives them.
 */
export function crop(image: PixelSource, region: Region): RgbImage {
  const { x, y, width, height } = region
  const data = new Float32Array(width * height * 3)
  for (let row = 0; row < height; row++) {
    const from = ((y + row) * image.width + x) * 3
    data.set(image.data.subarray(from, from + width * 3), row * width * 3)
  }
  const unit = sampleUnit(image.data)
  if (unit !== 1) for (let i = 0; i < data.length; i++) data[i] *= unit
  return { width, height, data }
}

/** The smallest integer sample whose float value (`samplesToImage`'s) is at least `level`. */
function firstSampleAtLeast(samples: PixelSource, level: number): number {
  const unit = sampleUnit(samples.data)
  const max = Math.round(1 / unit)
  let code = Math.max(0, Math.floor(level * max) - 1)
  while (code <= max && Math.fround(code * unit) < level) code++
  return code
}

/**
 * "Before" for a prediction, linearised as its result is (`linearisedInput`; low light's with the
 * sRGB curve), whole or a region; the ramp level is found once per prediction, or taken from it.
 */
export function createBeforeImages(): (prediction: Prediction, input: PixelSource, region?: Region) => RgbImage {
  const levels = new WeakMap<Prediction, number>()
  return (prediction, input, region) => {
    if (prediction.mode === 'lowlight') return srgbLinearised(region ? crop(input, region) : input)
    let level = prediction.rampLevel ?? levels.get(prediction)
    if (level === undefined) levels.set(prediction, (level = rampLevel(input, prediction.linear)))
    return region
      ? linearisedInput(crop(input, region), crop(prediction.linear, region), level)
      : linearisedInput(input, prediction.linear, level)
  }
}
