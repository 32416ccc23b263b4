import { describe, expect, it } from 'vitest'
import { actualSizeView, canvasToImage, clampPan, fitView, MAX_SCALE, panBy, zoomAt } from './zoom'

const image = { width: 640, height: 480 }

describe('fitView', () => {
  it('scales to the limiting side and centres the other', () => {
    expect(fitView(image, { width: 1280, height: 1200 })).toEqual({ scale: 2, offsetX: 0, offsetY: 120 })
    expect(fitView(image, { width: 320, height: 480 })).toEqual({ scale: 0.5, offsetX: 0, offsetY: 120 })
  })

  it('is the identity for empty sizes', () => {
    expect(fitView(image, { width: 0, height: 100 })).toEqual({ scale: 1, offsetX: 0, offsetY: 0 })
  })
})

describe('actualSizeView', () => {
  it('uses scale 1 on whole pixels', () => {
    expect(actualSizeView(image, { width: 801, height: 600 })).toEqual({ scale: 1, offsetX: 81, offsetY: 60 })
  })
})

describe('zoomAt', () => {
  it('keeps the anchored image point fixed', () => {
    const viewport = { width: 400, height: 300 }
    const before = { scale: 1, offsetX: -100, offsetY: -50 }
    const after = zoomAt(before, 2, 200, 150, image, viewport)
    expect(after.scale).toBe(2)
    expect(canvasToImage(after, 200, 150)).toEqual(canvasToImage(before, 200, 150))
  })

  it('clamps the scale', () => {
    const v = zoomAt({ scale: 16, offsetX: 0, offsetY: 0 }, 10, 0, 0, image, { width: 100, height: 100 })
    expect(v.scale).toBe(MAX_SCALE)
  })
})

describe('clampPan and panBy', () => {
  const viewport = { width: 320, height: 240 }

  it('stops the image edge at the viewport edge', () => {
    expect(panBy({ scale: 1, offsetX: 0, offsetY: 0 }, 50, 50, image, viewport)).toEqual({
      scale: 1,
      offsetX: 0,
      offsetY: 0
    })
    expect(panBy({ scale: 1, offsetX: 0, offsetY: 0 }, -1000, -1000, image, viewport)).toEqual({
      scale: 1,
      offsetX: -320,
      offsetY: -240
    })
  })

  it('centres an axis where the image is smaller than the viewport', () => {
    expect(clampPan({ scale: 0.25, offsetX: 3, offsetY: 9 }, image, viewport)).toEqual({
      scale: 0.25,
      offsetX: 80,
      offsetY: 60
    })
  })
})
