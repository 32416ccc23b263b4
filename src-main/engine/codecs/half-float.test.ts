import { describe, expect, it } from 'vitest'
import { pythonSkipReason, runPython } from '../../../test/helpers/python'
import { HALF_MAX, floatToHalf, halfToFloat } from './half-float'

describe('floatToHalf', () => {
  it.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [65504, 0x7bff],
    [2 ** -14, 0x0400],
    [2 ** -24, 0x0001],
    [0.333251953125, 0x3555],
    [1 + 2 ** -10, 0x3c01]
  ])('%d → %i', (value, bits) => {
    expect(floatToHalf(value)).toBe(bits)
  })

  it('clamps overflow and infinities to ±65504 and maps NaN to the quiet NaN', () => {
    expect(floatToHalf(65519)).toBe(0x7bff)
    expect(floatToHalf(1e10)).toBe(0x7bff)
    expect(floatToHalf(Infinity)).toBe(0x7bff)
    expect(floatToHalf(-Infinity)).toBe(0xfbff)
    expect(floatToHalf(NaN)).toBe(0x7e00)
  })

  it('rounds subnormals and underflow to nearest, ties to even', () => {
    expect(floatToHalf(2 ** -25)).toBe(0)
    expect(floatToHalf(2 ** -25 * 1.0001)).toBe(1)
    expect(floatToHalf(3 * 2 ** -25)).toBe(2)
    expect(floatToHalf(-1e-10)).toBe(0x8000)
  })

  it('rounds every midpoint between neighbouring halves to the even one', () => {
    for (let bits = 0; bits < 0x7bff; bits++) {
      const low = halfToFloat(bits)
      const mid = (low + halfToFloat(bits + 1)) / 2
      const even = bits % 2 === 0 ? bits : bits + 1
      expect(floatToHalf(mid)).toBe(even)
      expect(floatToHalf(mid * (1 + 2 ** -40))).toBe(bits + 1)
      expect(floatToHalf(mid * (1 - 2 ** -40))).toBe(bits)
    }
  })
})

describe('halfToFloat', () => {
  it('decodes specials', () => {
    expect(halfToFloat(0x7c00)).toBe(Infinity)
    expect(halfToFloat(0xfc00)).toBe(-Infinity)
    expect(halfToFloat(0x7e00)).toBeNaN()
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true)
    expect(halfToFloat(0x7bff)).toBe(HALF_MAX)
  })

  it('round-trips every finite half exactly', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      if ((bits & 0x7c00) === 0x7c00) continue
      expect(floatToHalf(halfToFloat(bits))).toBe(bits)
    }
  })
})

const numpyMissing = pythonSkipReason(['numpy'])
describe.skipIf(numpyMissing !== null)(
  `agrees with numpy float16${numpyMissing ? ` (skipped: ${numpyMissing})` : ''}`,
  () => {
    it('on 20000 random doubles across the half range', () => {
      let seed = 7
      const values = Array.from({ length: 20000 }, () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31
        const magnitude = 2 ** ((seed / 2 ** 31) * 42 - 26)
        return (seed % 2 ? -1 : 1) * Math.min(magnitude * (1 + (seed % 1000) / 1000), 65000)
      })
      const out = runPython(
        'import sys, json, numpy as np\nprint(json.dumps(np.array(json.loads(sys.stdin.read()), np.float64).astype(np.float16).view(np.uint16).tolist()))',
        {
          input: JSON.stringify(values)
        }
      )
      expect(values.map(floatToHalf)).toEqual(JSON.parse(out))
    })
  }
)
