import { describe, expect, it } from 'vitest'
import { boxMean } from './box-filter'
import { fitGuidedCoefficients, type GuidedFit, type GuidedStatistics } from './guided-filter'

/** Window statistics of guide `I` and input `p` with radius `r`. */
function statistics(I: Float32Array, p: Float32Array, width: number, height: number, r: number): GuidedStatistics {
  const scratch = new Float32Array(I.length)
  const mean = (values: Float32Array): Float32Array =>
    boxMean(values, width, height, r, new Float32Array(I.length), scratch)
  return {
    width,
    height,
    meanI: mean(I),
    meanII: mean(I.map((v) => v * v)),
    meanP: mean(p),
    meanIP: mean(I.map((v, i) => v * p[i]))
  }
}

describe('fitGuidedCoefficients', () => {
  const [width, height, radius] = [12, 9, 2]
  const I = Float32Array.from({ length: width * height }, (_, i) => ((i * 7) % 11) / 10)

  it('recovers an input that is a linear function of the guide', () => {
    const stats = statistics(
      I,
      I.map((v) => 2 * v + 1),
      width,
      height,
      radius
    )
    fitGuidedCoefficients(stats, { radius, eps: 0, varianceFloor: 0 }, new Float32Array(I.length))
    for (let i = 0; i < I.length; i++) {
      expect(stats.meanIP[i]).toBeCloseTo(2, 4)
      expect(stats.meanP[i]).toBeCloseTo(1, 4)
    }
  })

  it('gives slope 0 and the mean where the guide is flat and eps is 0, never NaN', () => {
    const flat = new Float32Array(I.length).fill(0.5)
    const p = Float32Array.from(I, (v) => v * 3)
    const stats = statistics(flat, p, width, height, radius)
    const fit: GuidedFit = { radius, eps: 0, varianceFloor: 0 }
    fitGuidedCoefficients(stats, fit, new Float32Array(I.length))
    const meanOfMeans = boxMean(
      statistics(flat, p, width, height, radius).meanP,
      width,
      height,
      radius,
      new Float32Array(I.length),
      new Float32Array(I.length)
    )
    for (let i = 0; i < I.length; i++) {
      expect(stats.meanIP[i]).toBe(0)
      expect(stats.meanP[i]).toBeCloseTo(meanOfMeans[i], 6)
    }
  })

  it('shrinks the slope as eps grows', () => {
    const p = I.map((v) => 2 * v)
    const slopes = [0, 0.01, 1].map((eps) => {
      const stats = statistics(I, p, width, height, radius)
      fitGuidedCoefficients(stats, { radius, eps, varianceFloor: -Infinity }, new Float32Array(I.length))
      return stats.meanIP[Math.floor(I.length / 2)]
    })
    expect(slopes[0]).toBeCloseTo(2, 4)
    expect(slopes[1]).toBeLessThan(slopes[0])
    expect(slopes[2]).toBeLessThan(slopes[1])
  })
})
