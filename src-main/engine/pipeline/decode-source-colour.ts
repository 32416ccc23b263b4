/**
 * The photo's own pixels, in its own colour space, for photos whose embedded profile is a matrix/TRC
 * RGB profile other than sRGB (ProPhoto, Adobe RGB, Display P3: what editors hand over). `decode.ts`
 * makes the model's sRGB copy from them (`imaging/source-colour.ts`), and the TIFF writers hand the
 * result back in that space. Oriented and flattened exactly as the sRGB decode.
 */
import sharp from 'sharp'
import { parseRgbProfile, type RgbProfile } from '../codecs/icc-profile'
import { sameSpace, SRGB_COLORANTS, SRGB_CURVE } from '../imaging/colour-space'
import type { SourceColour } from '../imaging/source-colour'

/** What a TIFF writer needs to return a photo in its own space. */
export interface SourceColourOutput {
  colour: SourceColour
  profile: RgbProfile
}

const SRGB_SPACE = { primaries: SRGB_COLORANTS, curves: [SRGB_CURVE, SRGB_CURVE, SRGB_CURVE] }

/**
 * The profile to hand the photo back in.
 * @param icc The embedded profile, if any.
 * @returns It, parsed, unless it is sRGB, absent, or not matrix/TRC RGB (those photos stay sRGB).
 */
export function ownProfile(icc: Buffer | undefined): RgbProfile | undefined {
  const profile = icc ? parseRgbProfile(icc) : undefined
  return profile && !sameSpace(profile, SRGB_SPACE) ? profile : undefined
}

/**
 * Decodes `filePath`'s samples without converting them to sRGB.
 * @param sixteenBit Read 16-bit samples (the source has more than 8 bits).
 * @throws whatever sharp throws for a damaged file (the caller names the file).
 */
export async function decodeSourceColour(
  filePath: string,
  profile: RgbProfile,
  sixteenBit: boolean
): Promise<SourceColourOutput> {
  // keepIccProfile stops sharp converting to sRGB: the samples stay the photo's own.
  const { data, info } = await sharp(filePath, { limitInputPixels: false, failOn: 'error' })
    .rotate()
    .flatten({ background: { r: 0, g: 0, b: 0 } })
    .keepIccProfile()
    .toColourspace(sixteenBit ? 'rgb16' : 'srgb')
    .raw({ depth: sixteenBit ? 'ushort' : 'uchar' })
    .toBuffer({ resolveWithObject: true })
  if (info.channels !== 3) throw new RangeError(`decoded ${info.channels} channels`)
  // A view of sharp's buffer where it is aligned for 16-bit samples (it normally is), else one copy.
  const aligned = data.byteOffset % 2 === 0 ? data : Buffer.from(data)
  const samples = sixteenBit
    ? new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.length / 2)
    : new Uint8Array(data.buffer, data.byteOffset, data.length)
  return {
    profile,
    colour: {
      space: { primaries: profile.primaries, curves: profile.curves },
      samples: { width: info.width, height: info.height, bits: sixteenBit ? 16 : 8, data: samples }
    }
  }
}
