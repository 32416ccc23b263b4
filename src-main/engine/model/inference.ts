/**
 * Runs the model on an image small enough for it: reflect-pads to the card's `size_multiple`, and
 * splits images longer than `maxTileSide` (wide panoramas) into overlapping tiles. Each tile is
 * run with a halo of real neighbouring pixels on every side (mirrored at the image border) that
 * is cropped away, and tiles are blended with linear feathering, so no tile edge shows.
 */
import { Tensor, type InferenceSession } from 'onnxruntime-node'
import { throwIfAborted } from '../errors'
import { padTo, toPaddedPlanar, type Region } from './padding'
import type { ModelCard, RgbImage } from '../types'

/** Longest tile side the model is run on; larger inputs are tiled. */
export const DEFAULT_TILE_SIDE = 1024
/** Pixels shared by neighbouring tiles, blended linearly. */
export const DEFAULT_TILE_OVERLAP = 64
/** Radiance values above this are clamped: no display or encoder needs more, and it stops Infinity. */
const MAX_RADIANCE = 1e6

/** One tile along one axis: where it starts, how long it is, and how many pixels it shares with each neighbour. */
export interface AxisTile {
  start: number
  size: number
  overlapBefore: number
  overlapAfter: number
}

/**
 * Splits an axis into tiles of at most `maxSide` pixels that overlap by at least `overlap`.
 * @param length Axis length in pixels, ≥ 1.
 * @param maxSide Longest tile, > overlap.
 * @param overlap Minimum shared pixels between neighbours.
 * @returns Tiles in order, covering [0, length).
 */
export function planAxisTiles(length: number, maxSide: number, overlap: number): AxisTile[] {
  if (length <= maxSide) return [{ start: 0, size: length, overlapBefore: 0, overlapAfter: 0 }]
  const count = Math.ceil((length - overlap) / (maxSide - overlap))
  const starts = Array.from({ length: count }, (_, i) => Math.round((i * (length - maxSide)) / (count - 1)))
  return starts.map((start, i) => ({
    start,
    size: maxSide,
    overlapBefore: i === 0 ? 0 : starts[i - 1] + maxSide - start,
    overlapAfter: i === count - 1 ? 0 : start + maxSide - starts[i + 1]
  }))
}

/** Blend weight at `p` inside a tile: ramps from 0 to 1 across each shared band. */
function featherWeight(p: number, tile: AxisTile): number {
  let w = 1
  if (p < tile.overlapBefore) w = (p + 0.5) / tile.overlapBefore
  const fromEnd = tile.size - p
  if (fromEnd <= tile.overlapAfter) w = Math.min(w, (fromEnd - 0.5) / tile.overlapAfter)
  return w
}

export interface RunModelOptions {
  signal?: AbortSignal
  /** Called after each tile with the fraction of tiles done. */
  onProgress?: (fraction: number) => void
  maxTileSide?: number
  overlap?: number
}

/**
 * Runs the model once per tile and returns its full-size output.
 * @param session An onnxruntime session for `card`.
 * @param card The model card (tensor names, size multiple).
 * @param image sRGB-encoded input in [0,1], interleaved RGB.
 * @param options Cancellation, progress and tiling.
 * @returns Linear radiance, same size as `image`; NaN and negatives become 0.
 * @throws UnclipError `CANCELLED` between tiles once `options.signal` fires.
 */
export async function runModel(
  session: InferenceSession,
  card: ModelCard,
  image: RgbImage,
  options: RunModelOptions = {}
): Promise<RgbImage> {
  const maxSide = options.maxTileSide ?? DEFAULT_TILE_SIDE
  const overlap = options.overlap ?? DEFAULT_TILE_OVERLAP
  const columns = planAxisTiles(image.width, maxSide, overlap)
  const rows = planAxisTiles(image.height, maxSide, overlap)
  const single = columns.length === 1 && rows.length === 1
  const out = new Float32Array(image.width * image.height * 3)
  const weightSum = single ? undefined : new Float32Array(image.width * image.height)
  let done = 0
  for (const row of rows) {
    for (const column of columns) {
      throwIfAborted(options.signal)
      const region: Region = { x: column.start, y: row.start, width: column.size, height: row.size }
      const planar = await runTile(session, card, image, region, single ? 0 : Math.floor(overlap / 2))
      throwIfAborted(options.signal)
      accumulate(out, weightSum, image.width, region, planar, column, row)
      options.onProgress?.(++done / (rows.length * columns.length))
    }
  }
  if (weightSum) {
    for (let i = 0; i < weightSum.length; i++) {
      const inv = 1 / weightSum[i]
      out[3 * i] *= inv
      out[3 * i + 1] *= inv
      out[3 * i + 2] *= inv
    }
  }
  return { width: image.width, height: image.height, data: out }
}

/** A tile's model output, planar, with the region starting at (`originX`, `originY`). */
interface TileOutput {
  data: Float32Array
  paddedWidth: number
  paddedHeight: number
  originX: number
  originY: number
}

/** Runs one tile with `halo` pixels of context on each side, padded to the size multiple. */
async function runTile(
  session: InferenceSession,
  card: ModelCard,
  image: RgbImage,
  region: Region,
  halo: number
): Promise<TileOutput> {
  const paddedWidth = padTo(region.width + 2 * halo, card.size_multiple)
  const paddedHeight = padTo(region.height + 2 * halo, card.size_multiple)
  const context: Region = {
    x: region.x - halo,
    y: region.y - halo,
    width: region.width + 2 * halo,
    height: region.height + 2 * halo
  }
  const input = new Tensor('float32', toPaddedPlanar(image, context, paddedWidth, paddedHeight), [
    1,
    3,
    paddedHeight,
    paddedWidth
  ])
  const result = await session.run({ [card.input]: input })
  const output = result[card.output]
  const expected = 3 * paddedWidth * paddedHeight
  if (!(output?.data instanceof Float32Array) || output.data.length !== expected) {
    throw new Error(
      `model output "${card.output}" has shape [${output?.dims.join(', ')}], expected [1, 3, ${paddedHeight}, ${paddedWidth}]`
    )
  }
  return { data: output.data, paddedWidth, paddedHeight, originX: halo, originY: halo }
}

function accumulate(
  out: Float32Array,
  weightSum: Float32Array | undefined,
  width: number,
  region: Region,
  tile: TileOutput,
  column: AxisTile,
  row: AxisTile
): void {
  const plane = tile.paddedWidth * tile.paddedHeight
  const src = tile.data
  if (!weightSum) {
    // One tile (the usual case): each output pixel is written once, 0 + 1 · v being v.
    for (let y = 0; y < region.height; y++) {
      const s0 = (tile.originY + y) * tile.paddedWidth + tile.originX
      const p0 = (region.y + y) * width + region.x
      for (let x = 0; x < region.width; x++) {
        const s = s0 + x
        const o = 3 * (p0 + x)
        out[o] = clean(src[s])
        out[o + 1] = clean(src[plane + s])
        out[o + 2] = clean(src[2 * plane + s])
      }
    }
    return
  }
  for (let y = 0; y < region.height; y++) {
    const wy = featherWeight(y, row)
    for (let x = 0; x < region.width; x++) {
      const w = wy * featherWeight(x, column)
      const s = (tile.originY + y) * tile.paddedWidth + tile.originX + x
      const p = (region.y + y) * width + region.x + x
      out[3 * p] += w * clean(src[s])
      out[3 * p + 1] += w * clean(src[plane + s])
      out[3 * p + 2] += w * clean(src[2 * plane + s])
      weightSum[p] += w
    }
  }
}

function clean(v: number): number {
  return v > 0 ? (v < MAX_RADIANCE ? v : MAX_RADIANCE) : 0
}
