import { describe, expect, it } from 'vitest'
import { detectHdrDisplay } from './hdr-display'

const env = (hdr: boolean, headroom?: unknown) => ({
  matchMedia: (query: string) => ({ matches: hdr && query === '(dynamic-range: high)' }),
  screen: headroom === undefined ? {} : { highDynamicRangeHeadroom: headroom }
})

describe('detectHdrDisplay', () => {
  it('falls back to SDR when the display does not report HDR, whatever the headroom says', () => {
    expect(detectHdrDisplay(env(false, 4))).toEqual({
      hdr: false,
      headroom: 1,
      reason: 'This display does not report HDR; the SDR rendering is shown.'
    })
  })

  it("takes the screen's reported headroom, and a safe 2× when it reports none or nonsense", () => {
    expect(detectHdrDisplay(env(true, 4.5)).headroom).toBe(4.5)
    expect(detectHdrDisplay(env(true)).headroom).toBe(2)
    expect(detectHdrDisplay(env(true, 0.5)).headroom).toBe(2)
    expect(detectHdrDisplay(env(true, 'bright')).reason).toBe('HDR display: highlights up to 2.0× SDR white.')
  })
})
