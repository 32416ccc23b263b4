import { describe, expect, it } from 'vitest'
import { BLEND_RAMP_START, CLIP_THRESHOLD } from '../engine/domain/clip'
import { samplesToImage } from '../engine/pipeline/decode'
import type { RgbSamples } from '../engine/types'
import { prng } from '../../test/helpers/random'
import { clippedFraction, crop, finishBefore, linearisedInput, planBefore, rampLevel, srgbLinearised } from './preview'

/** Samples of every code around the clipping threshold, and a ramp through the rest. */
function samplesAround(bits: 8 | 16): RgbSamples {
  const max = bits === 8 ? 255 : 65535
  const edge = Math.round(CLIP_THRESHOLD * max)
  const width = 40
  const height = 9
  const data = bits === 8 ? new Uint8Array(width * height * 3) : new Uint16Array(width * height * 3)
  for (let i = 0; i < data.length; i++) {
    // Most pixels step through the codes either side of the threshold, one channel at a time.
    data[i] = i % 7 === 0 ? Math.min(max, edge - 3 + (i % 11)) : (i * 37) % Math.max(1, edge - 4)
  }
  return { width, height, bits, data }
}

describe('the host reads integer samples as their float copy would be read', () => {
  for (const bits of [8, 16] as const) {
    it(`counts clipped pixels of ${bits}-bit samples exactly as of their floats`, () => {
      const samples = samplesAround(bits)
      const fraction = clippedFraction(samples)
      expect(fraction).toBe(clippedFraction(samplesToImage(samples)))
      // Some pixels are clipped and some are not, so the threshold itself was tested.
      expect(fraction).toBeGreaterThan(0)
      expect(fraction).toBeLessThan(1)
    })

    it(`counts clipped ${bits}-bit pixels in any position, aligned or not, as one at a time would`, () => {
      const random = prng(bits)
      const max = bits === 8 ? 255 : 65535
      const pixels = 4 * 1000 + 3
      // One buffer, read at a 4-byte-aligned offset and at an odd one; clipped pixels are rare (1 in 40).
      const buffer = new ArrayBuffer((pixels * 3 + 4) * (bits / 8))
      for (const offset of [0, 1]) {
        const Samples = bits === 8 ? Uint8Array : Uint16Array
        const data = new Samples(buffer, offset * (bits / 8) * (bits === 8 ? 1 : 2), pixels * 3)
        for (let i = 0; i < data.length; i++)
          data[i] = random() < 1 / 120 ? max - Math.floor(random() * 2) : Math.floor(random() * max * 0.99)
        const samples: RgbSamples = { width: pixels, height: 1, bits, data }
        let expected = 0
        const floats = samplesToImage(samples).data
        for (let i = 0; i < floats.length; i += 3)
          if (floats[i] >= CLIP_THRESHOLD || floats[i + 1] >= CLIP_THRESHOLD || floats[i + 2] >= CLIP_THRESHOLD)
            expected++
        expect(expected).toBeGreaterThan(20)
        expect(clippedFraction(samples)).toBe(expected / pixels)
      }
    })

    it(`linearises ${bits}-bit samples, whole and by ramp, exactly as their floats`, () => {
      const samples = samplesAround(bits)
      const floats = samplesToImage(samples)
      const result = { ...floats, data: floats.data.map((x) => x * x * 1.3) }
      const level = rampLevel(samples, result)
      expect(level).toBe(rampLevel(floats, result))
      expect(Array.from(linearisedInput(samples, result, level).data)).toEqual(
        Array.from(linearisedInput(floats, result, level).data)
      )
      expect(Array.from(srgbLinearised(samples).data)).toEqual(Array.from(srgbLinearised(floats).data))
    })

    it(`crops ${bits}-bit samples to exactly the floats samplesToImage gives`, () => {
      const samples = samplesAround(bits)
      const region = { x: 3, y: 2, width: 17, height: 5 }
      expect(Array.from(crop(samples, region).data)).toEqual(Array.from(crop(samplesToImage(samples), region).data))
    })
  }
})

describe('"before" prepared from the input alone, then finished with the result', () => {
  it('gives rampLevel and linearisedInput bit for bit, samples below, in and above the ramp included', () => {
    const random = prng(7)
    const width = 64
    const height = 48
    const input = new Float32Array(width * height * 3)
    for (let i = 0; i < input.length; i++) {
      const pick = random()
      // A third well below the ramp, a third in the band just below it, a third above (some clipped).
      input[i] =
        pick < 0.33
          ? random() * 0.9
          : pick < 0.66
            ? BLEND_RAMP_START - 0.01 * random()
            : Math.min(1, 0.95 + random() * 0.06)
    }
    const result = Float32Array.from(input, (x) => Math.pow(x, 2.2) * (1 + random()))
    const photo = { width, height, data: input }
    const hdr = { width, height, data: result }
    const plan = planBefore(photo)
    expect(plan.nearRamp.length).toBeGreaterThan(0)
    expect(plan.aboveRamp.length).toBeGreaterThan(0)
    const { before, level } = finishBefore(plan, hdr)
    expect(level).toBe(rampLevel(photo, hdr))
    expect(Array.from(before.data)).toEqual(Array.from(linearisedInput(photo, hdr, level).data))
    // With nothing in the band, both fall back to the sRGB curve's level.
    const dark = { width, height, data: input.map((x) => x * 0.5) }
    expect(finishBefore(planBefore(dark), hdr).level).toBe(rampLevel(dark, hdr))
  })
})
