/**
 * Reflect padding and tensor layout for feeding the model: the network wants H and W padded to a
 * multiple of the card's `size_multiple`, as planar NCHW float32.
 */
import type { RgbImage } from '../types'

/**
 * Maps any integer coordinate onto [0, n) by mirroring at the edges without repeating the edge
 * pixel (numpy's `reflect`), periodically, so pads larger than the image still work (a 1-pixel
 * image reflects to itself).
 * @param i Coordinate, possibly outside [0, n).
 * @param n Size of the axis, ≥ 1.
 * @returns The mirrored coordinate in [0, n).
 */
export function mirrorIndex(i: number, n: number): number {
  if (n === 1) return 0
  const period = 2 * (n - 1)
  const m = ((i % period) + period) % period
  return m < n ? m : period - m
}

/**
 * Smallest multiple of `multiple` that is ≥ `size`.
 * @param size Positive length.
 * @param multiple Positive integer.
 * @returns The padded length.
 */
export function padTo(size: number, multiple: number): number {
  return Math.ceil(size / multiple) * multiple
}

/** A rectangle of an image: origin and size in pixels. */
export interface Region {
  x: number
  y: number
  width: number
  height: number
}

/**
 * Copies `region` of an interleaved RGB image into a planar [3, paddedHeight, paddedWidth] tensor.
 * Pixels past the region come from the image's real neighbours where they exist and are mirrored at
 * the image border otherwise, so a tile's padding looks like its surroundings.
 * @param image Interleaved source image.
 * @param region Part of `image` to copy.
 * @param paddedWidth Tensor width, ≥ region width.
 * @param paddedHeight Tensor height, ≥ region height.
 * @returns Planar float32 data of length 3 · paddedWidth · paddedHeight.
 */
export function toPaddedPlanar(
  image: RgbImage,
  region: Region,
  paddedWidth: number,
  paddedHeight: number
): Float32Array {
  const plane = paddedWidth * paddedHeight
  const out = new Float32Array(3 * plane)
  const columns = new Int32Array(paddedWidth)
  for (let x = 0; x < paddedWidth; x++) columns[x] = mirrorIndex(region.x + x, image.width) * 3
  const src = image.data
  for (let y = 0; y < paddedHeight; y++) {
    const rowStart = mirrorIndex(region.y + y, image.height) * image.width * 3
    const o = y * paddedWidth
    for (let x = 0; x < paddedWidth; x++) {
      const s = rowStart + columns[x]
      out[o + x] = src[s]
      out[plane + o + x] = src[s + 1]
      out[2 * plane + o + x] = src[s + 2]
    }
  }
  return out
}
