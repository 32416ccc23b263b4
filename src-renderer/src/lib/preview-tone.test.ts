import { describe, expect, it } from 'vitest'
import { LOW_LIGHT_DISPLAY_TONEMAP } from '../../../src-main/engine/imaging/tonemap'
import type { ConvertedImage } from '../../../src-preload/contract'
import { LOW_LIGHT_PREVIEW_TONEMAP, previewTone } from './preview-tone'

const USER = { operator: 'highlights', exposureEv: 1.5, whitePoint: 4, gamma: 1.2 } as const
/** A tone store that resolves the white point from the peak, as `ToneSettings` does in automatic mode. */
const AUTO = { forPeak: (peak: number) => ({ ...USER, whitePoint: peak * 2 ** USER.exposureEv }) }

function converted(mode: ConvertedImage['mode']): ConvertedImage {
  return {
    path: '/p.jpg',
    mode,
    width: 1,
    height: 1,
    previewWidth: 1,
    previewHeight: 1,
    hdr: new Float32Array(3),
    before: new Float32Array(3),
    peak: 30,
    timings: {}
  }
}

describe('previewTone', () => {
  it('only clamps and encodes a low-light result', () => {
    expect(LOW_LIGHT_PREVIEW_TONEMAP).toBe(LOW_LIGHT_DISPLAY_TONEMAP)
    expect(LOW_LIGHT_PREVIEW_TONEMAP).toEqual({ operator: 'exposure', exposureEv: 0, whitePoint: Infinity, gamma: 1 })
    expect(previewTone(converted('lowlight'), AUTO)).toBe(LOW_LIGHT_PREVIEW_TONEMAP)
  })

  it("shows an HDR result with the user's settings at its own peak, the input alone with white at 1", () => {
    expect(previewTone(converted('hdr'), AUTO)).toEqual({ ...USER, whitePoint: 30 * 2 ** 1.5 })
    expect(previewTone(null, AUTO)).toEqual({ ...USER, whitePoint: 2 ** 1.5 })
  })
})
