import { describe, expect, it } from 'vitest'
import { LOW_LIGHT_DISPLAY_TONEMAP } from '../../../src-main/engine/imaging/tonemap'
import type { ConvertedImage } from '../../../src-preload/contract'
import { LOW_LIGHT_PREVIEW_TONEMAP, previewTone } from './preview-tone'

const USER = { operator: 'reinhard', exposureEv: 1.5, whitePoint: 4, gamma: 1.2 } as const

function converted(mode: ConvertedImage['mode']): ConvertedImage {
  return {
    path: '/p.jpg',
    mode,
    width: 1,
    height: 1,
    previewWidth: 1,
    previewHeight: 1,
    hdr: new Float32Array(3),
    peak: 0,
    timings: {}
  }
}

describe('previewTone', () => {
  it('only clamps and encodes a low-light result', () => {
    expect(LOW_LIGHT_PREVIEW_TONEMAP).toBe(LOW_LIGHT_DISPLAY_TONEMAP)
    expect(LOW_LIGHT_PREVIEW_TONEMAP).toEqual({ operator: 'exposure', exposureEv: 0, whitePoint: Infinity, gamma: 1 })
    expect(previewTone(converted('lowlight'), USER)).toBe(LOW_LIGHT_PREVIEW_TONEMAP)
  })

  it("shows an HDR result, or none, with the user's settings", () => {
    expect(previewTone(converted('hdr'), USER)).toBe(USER)
    expect(previewTone(null, USER)).toBe(USER)
  })
})
