import { describe, expect, it } from 'vitest'
import { CLIP_THRESHOLD } from '../engine/domain/clip'
import { samplesToImage } from '../engine/pipeline/decode'
import type { RgbSamples } from '../engine/types'
import { clippedFraction, crop } from './preview'

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

    it(`crops ${bits}-bit samples to exactly the floats samplesToImage gives`, () => {
      const samples = samplesAround(bits)
      const region = { x: 3, y: 2, width: 17, height: 5 }
      expect(Array.from(crop(samples, region).data)).toEqual(Array.from(crop(samplesToImage(samples), region).data))
    })
  }
})
