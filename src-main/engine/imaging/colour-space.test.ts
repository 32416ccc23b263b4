import { describe, expect, it } from 'vitest'
import {
  curveQuantiser,
  curveToEncoded,
  curveToLinear,
  rgbToRgb,
  SRGB_COLORANTS,
  SRGB_CURVE,
  type ToneCurve
} from './colour-space'

const TABLE: ToneCurve = { kind: 'table', table: Float64Array.from({ length: 33 }, (_, i) => (i / 32) ** 2) }
const GAMMA_18: ToneCurve = { kind: 'gamma', gamma: 1.8 }
// Continuous at d: e = c·d + f − (a·d + b)^g.
const PARAMETRIC_4: ToneCurve = {
  kind: 'parametric',
  type: 4,
  params: [2.2, 0.95, 0.05, 0.1, 0.08, 0.009 - (0.95 * 0.08 + 0.05) ** 2.2, 0.001]
}

describe('tone curves', () => {
  it('invert', () => {
    for (const v of [0, 0.001, 0.03, 0.2, 0.5, 0.99, 1])
      expect(curveToEncoded(SRGB_CURVE, curveToLinear(SRGB_CURVE, v))).toBeCloseTo(v, 9)
    for (const v of [0.1, 0.45, 0.8]) expect(curveToEncoded(TABLE, curveToLinear(TABLE, v))).toBeCloseTo(v, 6)
    for (const v of [0.2, 0.6]) expect(curveToEncoded(PARAMETRIC_4, curveToLinear(PARAMETRIC_4, v))).toBeCloseTo(v, 9)
  })

  it('quantise by table exactly as rounding the inverse would', () => {
    for (const curve of [SRGB_CURVE, GAMMA_18, TABLE, PARAMETRIC_4])
      for (const bits of [8, 16] as const) {
        const quantise = curveQuantiser(curve, bits)
        const max = bits === 16 ? 65535 : 255
        const values = [-1, 0, 1e-9, 1e-6, 1e-4, 0.0031308, 0.5, 1, 2, NaN]
        for (let i = 0; i < 4000; i++) values.push(((i * 7919) % 4000) / 4000 ** (1 + (i % 3)))
        for (const y of values) {
          const want = Math.round(curveToEncoded(curve, Number.isNaN(y) ? 0 : y) * max)
          expect(Math.abs(quantise(y) - want), `${curve.kind} ${bits}-bit at ${y}`).toBe(0)
        }
      }
  })
})

describe('rgbToRgb', () => {
  it('is the identity from a space to itself and keeps white', () => {
    const m = rgbToRgb(SRGB_COLORANTS, SRGB_COLORANTS)
    m.forEach((v, i) => expect(v).toBeCloseTo(i % 4 === 0 ? 1 : 0, 9))
    const prophoto = {
      name: 'ProPhoto',
      red: [0.7977, 0.288, 0] as [number, number, number],
      green: [0.1352, 0.7119, 0] as [number, number, number],
      blue: [0.0313, 0.0001, 0.8249] as [number, number, number]
    }
    const toProPhoto = rgbToRgb(SRGB_COLORANTS, prophoto)
    for (let r = 0; r < 3; r++)
      expect(toProPhoto[r * 3] + toProPhoto[r * 3 + 1] + toProPhoto[r * 3 + 2]).toBeCloseTo(1, 3)
  })
})
