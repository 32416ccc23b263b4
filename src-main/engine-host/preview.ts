/**
 * Display-size copies of the input and of the prediction, and the numbers the UI shows about them.
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

/**
 * Box-filter downscale of an interleaved RGB float image (each output pixel averages the source
 * pixels it covers). Returns the same data when the size is unchanged.
 */
export function downscale(image: RgbImage, width: number, height: number): Float32Array {
  if (width === image.width && height === image.height) return image.data
  const out = new Float32Array(width * height * 3)
  const sx = image.width / width
  const sy = image.height / height
  const src = image.data
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor(y * sy)
    const y1 = Math.max(y0 + 1, Math.floor((y + 1) * sy))
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor(x * sx)
      const x1 = Math.max(x0 + 1, Math.floor((x + 1) * sx))
      let r = 0
      let g = 0
      let b = 0
      for (let yy = y0; yy < y1; yy++) {
        let i = (yy * image.width + x0) * 3
        for (let xx = x0; xx < x1; xx++, i += 3) {
          r += src[i]
          g += src[i + 1]
          b += src[i + 2]
        }
      }
      const n = (y1 - y0) * (x1 - x0)
      const o = (y * width + x) * 3
      out[o] = r / n
      out[o + 1] = g / n
      out[o + 2] = b / n
    }
  }
  return out
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
  let max = 0
  for (const value of image.data) if (value > max) max = value
  return max
}
