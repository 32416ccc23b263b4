/**
 * Which full-resolution tiles a view needs. At 100 % and above the viewer shows the photo's own
 * pixels, fetched from the engine in fixed tiles (so panning reuses them) instead of the preview,
 * whose long side is capped.
 */
import type { RegionRect } from '../../../src-preload/contract'
import type { Size, View } from './zoom'

/** Tile side in photo pixels: a 1280×800 view needs at most 4×3 of them. */
export const TILE_SIDE = 512

/** Inclusive tile index ranges. */
export interface TileRange {
  x0: number
  y0: number
  x1: number
  y1: number
}

/**
 * The tiles under the viewport, or null when the preview already shows every pixel the view needs
 * (zoomed below 100 %, or a photo no larger than its preview).
 */
export function tilesInView(view: View, viewport: Size, image: Size, preview: Size): TileRange | null {
  if (view.scale < 1 || (preview.width >= image.width && preview.height >= image.height)) return null
  const left = Math.max(0, -view.offsetX / view.scale)
  const top = Math.max(0, -view.offsetY / view.scale)
  const right = Math.min(image.width, (viewport.width - view.offsetX) / view.scale)
  const bottom = Math.min(image.height, (viewport.height - view.offsetY) / view.scale)
  if (right <= left || bottom <= top) return null
  return {
    x0: Math.floor(left / TILE_SIDE),
    y0: Math.floor(top / TILE_SIDE),
    x1: Math.floor((right - 1e-6) / TILE_SIDE),
    y1: Math.floor((bottom - 1e-6) / TILE_SIDE)
  }
}

/** The photo rectangle a tile covers (edge tiles are cut to the photo). */
export function tileRect(tx: number, ty: number, image: Size): RegionRect {
  const x = tx * TILE_SIDE
  const y = ty * TILE_SIDE
  return { x, y, width: Math.min(TILE_SIDE, image.width - x), height: Math.min(TILE_SIDE, image.height - y) }
}

/** The rectangle a whole range covers. */
export function rangeRect(range: TileRange, image: Size): RegionRect {
  const first = tileRect(range.x0, range.y0, image)
  const last = tileRect(range.x1, range.y1, image)
  return { x: first.x, y: first.y, width: last.x + last.width - first.x, height: last.y + last.height - first.y }
}
