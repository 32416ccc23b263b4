import { describe, expect, it } from 'vitest'
import { srgbDecode } from '../../imaging/tonemap'
import { computeGainMap, GAIN_MAP_OFFSET } from './gain-map'

/** `width×height` image whose left half is `left` and right half `right` (grey, linear). */
function halves(width: number, height: number, left: number, right: number): Float32Array {
  const data = new Float32Array(width * height * 3)
  for (let p = 0; p < width * height; p++) data.fill(p % width < width / 2 ? left : right, p * 3, p * 3 + 3)
  return data
}

describe('computeGainMap', () => {
  it('stores log2((Y_hdr + 1/64) / (Y_sdr + 1/64)) normalised to [GainMapMin, GainMapMax]', () => {
    const sdr = new Uint8Array(8 * 2 * 3).fill(200)
    const ySdr = srgbDecode(200 / 255)
    const map = computeGainMap({ width: 8, height: 2, data: halves(8, 2, ySdr, 4) }, sdr, { scale: 1 })
    const expectedMax = Math.log2((4 + GAIN_MAP_OFFSET) / (ySdr + GAIN_MAP_OFFSET))
    expect(map.params.gainMapMin).toBeCloseTo(0, 6)
    expect(map.params.gainMapMax).toBeCloseTo(expectedMax, 6)
    expect(map.params.hdrCapacityMax).toBe(map.params.gainMapMax)
    expect([...map.data.subarray(0, 8)]).toEqual([0, 0, 0, 0, 255, 255, 255, 255])
  })

  it('averages log gain over scale×scale blocks and rounds the size up', () => {
    const map = computeGainMap(
      { width: 9, height: 5, data: halves(9, 5, 0.5, 2) },
      new Uint8Array(9 * 5 * 3).fill(128),
      { scale: 4 }
    )
    expect([map.width, map.height, map.data.length]).toEqual([3, 2, 6])
  })

  it('keeps a valid range when HDR equals SDR everywhere', () => {
    const sdr = new Uint8Array(4 * 4 * 3).fill(128)
    const map = computeGainMap({ width: 4, height: 4, data: new Float32Array(48).fill(srgbDecode(128 / 255)) }, sdr, {
      scale: 2
    })
    expect(map.params.gainMapMax).toBeGreaterThan(map.params.gainMapMin)
    expect(map.params.gainMapMax).toBeGreaterThan(0)
  })

  it('rejects a wrong-sized HDR image', () => {
    expect(() =>
      computeGainMap({ width: 2, height: 2, data: new Float32Array(5) }, new Uint8Array(12), { scale: 1 })
    ).toThrow('Expected 2×2×3 = 12 HDR samples but received 5')
  })
})
