import { describe, expect, it } from 'vitest'
import { rangeRect, tileRect, tilesInView, TILE_SIDE } from './tiles'

const IMAGE = { width: 3840, height: 2560 }
const PREVIEW = { width: 2048, height: 1365 }
const VIEWPORT = { width: 980, height: 700 }

describe('tilesInView', () => {
  it('needs no tiles below 100 % or when the preview is the photo', () => {
    expect(tilesInView({ scale: 0.99, offsetX: 0, offsetY: 0 }, VIEWPORT, IMAGE, PREVIEW)).toBeNull()
    expect(tilesInView({ scale: 2, offsetX: 0, offsetY: 0 }, VIEWPORT, PREVIEW, PREVIEW)).toBeNull()
  })

  it('lists the tiles under the viewport at 100 %, centred', () => {
    const view = { scale: 1, offsetX: (980 - 3840) / 2, offsetY: (700 - 2560) / 2 }
    // Visible photo columns 1430..2410 and rows 930..1630.
    expect(tilesInView(view, VIEWPORT, IMAGE, PREVIEW)).toEqual({ x0: 2, y0: 1, x1: 4, y1: 3 })
  })

  it('stops at the photo: the last tile is cut to its edge', () => {
    const view = { scale: 2, offsetX: 980 - 3840 * 2, offsetY: 700 - 2560 * 2 }
    const range = tilesInView(view, VIEWPORT, IMAGE, PREVIEW)
    expect(range).toEqual({ x0: 6, y0: 4, x1: 7, y1: 4 })
    expect(tileRect(7, 4, IMAGE)).toEqual({ x: 7 * TILE_SIDE, y: 4 * TILE_SIDE, width: 256, height: 512 })
    expect(rangeRect({ x0: 6, y0: 3, x1: 7, y1: 4 }, IMAGE)).toEqual({ x: 3072, y: 1536, width: 768, height: 1024 })
  })
})
