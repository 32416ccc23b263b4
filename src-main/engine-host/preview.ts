/**
 * The preview's size and the numbers the UI shows about the input and the prediction; the
 * display-size copies themselves are `downscaleArea`'s (`engine/imaging/resample.ts`).
 */
import { CLIP_THRESHOLD } from '../engine/domain/clip'
import { PREVIEW_MAX_SIDE } from '../../src-preload/contract'
import type { RgbImage } from '../engine/types'

/** Preview size: long side at most `maxSide`, never upscaled, at least 1×1. */
export function previewSize(
  width: number,
  height: number,
  maxSide = PREVIEW_MAX_SIDE
): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height))
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) }
}

/** Fraction of pixels with any channel at or above `CLIP_THRESHOLD` (sRGB-encoded input). */
export function clippedFraction(image: RgbImage): number {
  const threshold = CLIP_THRESHOLD
  const data = image.data
  let clipped = 0
  for (let i = 0; i < data.length; i += 3) {
    if (data[i] >= threshold || data[i + 1] >= threshold || data[i + 2] >= threshold) clipped++
  }
  return data.length === 0 ? 0 : clipped / (data.length / 3)
}

/** Largest channel value. */
export function peak(image: RgbImage): number {
  const data = image.data
  let max = 0
  // An indexed loop: for-of over a typed array measured ~30x slower here (0.66 s on 12 MP).
  for (let i = 0; i < data.length; i++) if (data[i] > max) max = data[i]
  return max
}
