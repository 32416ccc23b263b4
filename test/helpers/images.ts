/**
 * Test images made on the fly with sharp, so no binary fixtures need committing.
 */
import sharp, { type Sharp } from 'sharp'

/** A pixel function: coordinates → RGB in [0,1]. */
export type PixelFn = (x: number, y: number) => [number, number, number]

/** A smooth diagonal colour gradient, bright enough in one corner to clip. */
export const gradient: PixelFn = (x, y) => [x, y, (x + y) / 2]

/**
 * Renders `fn` (called with coordinates normalised to [0,1]) to raw interleaved pixels.
 * @returns 8-bit or 16-bit raw RGB samples.
 */
export function renderRaw(width: number, height: number, fn: PixelFn, bits: 8 | 16 = 8): Uint8Array | Uint16Array {
  const max = bits === 8 ? 255 : 65535
  const out = bits === 8 ? new Uint8Array(width * height * 3) : new Uint16Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const rgb = fn(width > 1 ? x / (width - 1) : 0, height > 1 ? y / (height - 1) : 0)
      for (let c = 0; c < 3; c++) out[3 * (y * width + x) + c] = Math.round(Math.min(1, Math.max(0, rgb[c])) * max)
    }
  }
  return out
}

/**
 * A sharp pipeline over a rendered image, ready for `.jpeg()`, `.png()`... and `.toFile()`.
 * @param bits 16 gives a 16-bit (rgb16) pipeline.
 */
export function imagePipeline(width: number, height: number, fn: PixelFn = gradient, bits: 8 | 16 = 8): Sharp {
  const raw = renderRaw(width, height, fn, bits)
  const pipeline = sharp(raw, { raw: { width, height, channels: 3 } })
  return bits === 16 ? pipeline.toColourspace('rgb16') : pipeline
}

/**
 * `fn` rendered straight to a float image (no 8-bit rounding), values clamped to [0,1].
 * @returns An interleaved RGB float image.
 */
export function floatImage(
  width: number,
  height: number,
  fn: PixelFn = gradient
): { width: number; height: number; data: Float32Array } {
  const data = new Float32Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const rgb = fn(width > 1 ? x / (width - 1) : 0, height > 1 ? y / (height - 1) : 0)
      for (let c = 0; c < 3; c++) data[3 * (y * width + x) + c] = Math.min(1, Math.max(0, rgb[c]))
    }
  }
  return { width, height, data }
}
