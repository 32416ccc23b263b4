/** The ICC reader on the profiles Debian ships (libgs-common) and on bytes that are no profile. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ADOBE_RGB_ICC, PROPHOTO_ICC, proPhotoSkipReason, SRGB_ICC } from '../../../test/helpers/prophoto'
import { ownProfile } from '../pipeline/decode-source-colour'
import { parseRgbProfile } from './icc-profile'

const noProfiles = proPhotoSkipReason()

describe('parseRgbProfile', () => {
  it.skipIf(noProfiles)(
    `reads ProPhoto and Adobe RGB as matrix/TRC, sRGB as nothing to keep${noProfiles ? ` (${noProfiles})` : ''}`,
    () => {
      const prophoto = parseRgbProfile(readFileSync(PROPHOTO_ICC))!
      expect(prophoto.curves[0]).toEqual({ kind: 'gamma', gamma: expect.closeTo(1.8, 2) })
      expect(prophoto.primaries.red[0]).toBeCloseTo(0.7977, 3)
      expect(prophoto.name).toBe('Artifex Software ROMMRGB ICC')
      expect(parseRgbProfile(readFileSync(ADOBE_RGB_ICC))?.curves[1]).toEqual({
        kind: 'gamma',
        gamma: expect.closeTo(2.2, 1)
      })
      expect(ownProfile(readFileSync(PROPHOTO_ICC))).toBeDefined()
      expect(ownProfile(readFileSync(SRGB_ICC))).toBeUndefined()
    }
  )

  it.skipIf(noProfiles)('keeps the colour space when only the description is damaged', () => {
    const bytes = Buffer.from(readFileSync(PROPHOTO_ICC))
    // Point the description tag (the first) past the end of the profile.
    expect(bytes.toString('latin1', 132, 136)).toBe('desc')
    bytes.writeUInt32BE(0, 140)
    bytes.write('mluc', bytes.readUInt32BE(136), 'latin1')
    const profile = parseRgbProfile(bytes)
    expect(profile?.name).toBe('RGB')
    expect(profile?.curves[0]).toEqual({ kind: 'gamma', gamma: expect.closeTo(1.8, 2) })
  })

  it('refuses what is not an RGB matrix profile', () => {
    expect(parseRgbProfile(Buffer.from('not a profile at all, not even close to 132 bytes long'))).toBeUndefined()
    expect(parseRgbProfile(Buffer.alloc(400))).toBeUndefined()
  })
})
