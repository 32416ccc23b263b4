/**
 * A linear-light RGB ICC profile (v2 matrix/TRC, gamma 1.0) for the 32-bit float TIFF, so editors read
 * its values as scene-linear light in the photo's primaries rather than as sRGB-encoded ones.
 * Colorants are the primaries adapted to the profile connection space's D50 white (Bradford), as ICC
 * profiles store them; the sRGB ones are the values of the ICC's own sRGB profile.
 */
import { SRGB_COLORANTS, type Colorants } from '../imaging/colour-space'

const D50: [number, number, number] = [0.9642, 1.0, 0.8249]

/**
 * Builds the profile.
 * @param primaries The colorants; the description reads `<name> linear (Unclip)`.
 * @returns The ICC bytes, ready for TIFF tag 34675.
 */
export function linearIccProfile(primaries: Colorants = SRGB_COLORANTS): Buffer {
  const identityCurve = Buffer.alloc(12) // 'curv', reserved, count 0: the identity (gamma 1.0)
  identityCurve.write('curv', 0, 'latin1')
  const tags: [string, Buffer][] = [
    ['desc', textDescription(`${primaries.name} linear (Unclip)`)],
    ['cprt', text('No copyright, use freely')],
    ['wtpt', xyz(D50)],
    ['rXYZ', xyz(primaries.red)],
    ['gXYZ', xyz(primaries.green)],
    ['bXYZ', xyz(primaries.blue)],
    ['rTRC', identityCurve],
    ['gTRC', identityCurve],
    ['bTRC', identityCurve]
  ]
  const tableSize = 4 + 12 * tags.length
  let offset = 128 + tableSize
  const table = Buffer.alloc(tableSize)
  table.writeUInt32BE(tags.length, 0)
  const bodies: Buffer[] = []
  tags.forEach(([signature, body], i) => {
    const padded = Buffer.concat([body, Buffer.alloc(-body.length & 3)])
    table.write(signature, 4 + 12 * i, 'latin1')
    table.writeUInt32BE(offset, 8 + 12 * i)
    table.writeUInt32BE(body.length, 12 + 12 * i)
    bodies.push(padded)
    offset += padded.length
  })
  const header = Buffer.alloc(128)
  header.writeUInt32BE(offset, 0) // profile size
  header.writeUInt32BE(0x02100000, 8) // version 2.1
  header.write('mntrRGB XYZ ', 12, 'latin1') // display class, RGB data, XYZ connection space
  header.writeUInt16BE(2026, 24) // creation date (year; month and day 1)
  header.writeUInt16BE(1, 26)
  header.writeUInt16BE(1, 28)
  header.write('acsp', 36, 'latin1')
  header.writeInt32BE(s15(D50[0]), 68) // illuminant
  header.writeInt32BE(s15(D50[1]), 72)
  header.writeInt32BE(s15(D50[2]), 76)
  return Buffer.concat([header, table, ...bodies])
}

function s15(value: number): number {
  return Math.round(value * 65536)
}

function xyz([x, y, z]: [number, number, number]): Buffer {
  const body = Buffer.alloc(20)
  body.write('XYZ ', 0, 'latin1')
  body.writeInt32BE(s15(x), 8)
  body.writeInt32BE(s15(y), 12)
  body.writeInt32BE(s15(z), 16)
  return body
}

function text(value: string): Buffer {
  return Buffer.concat([Buffer.from('text\0\0\0\0', 'latin1'), Buffer.from(`${value}\0`, 'latin1')])
}

/** v2 `desc`: ASCII with its length, then empty Unicode and ScriptCode parts. */
function textDescription(value: string): Buffer {
  const ascii = Buffer.from(`${value}\0`, 'latin1')
  const head = Buffer.alloc(12)
  head.write('desc', 0, 'latin1')
  head.writeUInt32BE(ascii.length, 8)
  return Buffer.concat([head, ascii, Buffer.alloc(4 + 4 + 2 + 1 + 67)])
}
