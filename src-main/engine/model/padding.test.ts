import { describe, expect, it } from 'vitest'
import { mirrorIndex, padTo, toPaddedPlanar } from './padding'

describe('padding', () => {
  it('mirrors like numpy reflect, for any pad size', () => {
    expect([-3, -2, -1, 0, 1, 2, 3, 4, 5, 6].map((i) => mirrorIndex(i, 4))).toEqual([3, 2, 1, 0, 1, 2, 3, 2, 1, 0])
    expect([-5, 0, 7].map((i) => mirrorIndex(i, 1))).toEqual([0, 0, 0])
    expect([2, 3, 4].map((i) => mirrorIndex(i, 2))).toEqual([0, 1, 0])
  })

  it('pads up to the multiple', () => {
    expect([1, 16, 17, 33].map((n) => padTo(n, 16))).toEqual([16, 16, 32, 48])
  })

  it('lays a region out planar, taking real neighbours first and mirroring at the border', () => {
    // 3×2 image whose red channel is 10·x + y.
    const data = new Float32Array(18)
    for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) data.set([10 * x + y, -1, -2], 3 * (y * 3 + x))
    const out = toPaddedPlanar({ width: 3, height: 2, data }, { x: 1, y: 0, width: 1, height: 1 }, 4, 3)
    expect(Array.from(out.subarray(0, 12))).toEqual([10, 20, 10, 0, 11, 21, 11, 1, 10, 20, 10, 0])
    expect(out[12]).toBe(-1)
    expect(out[24]).toBe(-2)
  })
})
