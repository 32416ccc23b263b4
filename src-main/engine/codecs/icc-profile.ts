/**
 * Reads the RGB matrix/TRC ICC profiles photo editors embed in the files they hand over (ProPhoto,
 * Adobe RGB, Display P3, sRGB): colorants, tone curves and name. What the round trip needs to
 * return a photo in its own colour space. LUT-based profiles (printer and camera profiles) are not
 * read: those photos come back in sRGB, as everything else does.
 */
import type { Colorants, ToneCurve } from '../imaging/colour-space'

export interface RgbProfile {
  /** The profile's own description, e.g. "ProPhoto RGB" ("RGB" when it has none). */
  name: string
  primaries: Colorants
  curves: [ToneCurve, ToneCurve, ToneCurve]
  /** The profile as embedded, to embed again unchanged. */
  bytes: Buffer
}

const HEADER_SIZE = 128
const TAG_ENTRY_SIZE = 12

/**
 * Parses a profile.
 * @param bytes The embedded profile (as sharp's `metadata().icc`).
 * @returns The matrix/TRC description, or undefined for anything else (not RGB, LUT-based, damaged).
 */
export function parseRgbProfile(bytes: Buffer): RgbProfile | undefined {
  try {
    if (bytes.length < HEADER_SIZE + 4) return undefined
    if (bytes.toString('latin1', 36, 40) !== 'acsp') return undefined
    if (bytes.toString('latin1', 16, 20) !== 'RGB ' || bytes.toString('latin1', 20, 24) !== 'XYZ ') return undefined
    const tags = readTagTable(bytes)
    const at = (signature: string): Buffer | undefined => tags.get(signature)
    const [red, green, blue] = ['rXYZ', 'gXYZ', 'bXYZ'].map((s) => readXyz(at(s)))
    const curves = ['rTRC', 'gTRC', 'bTRC'].map((s) => readCurve(at(s)))
    if (!red || !green || !blue || curves.some((c) => !c)) return undefined
    // A damaged description costs the name only, never the colour space.
    const name = attempt(() => readDescription(at('desc'))) || 'RGB'
    return { name, primaries: { name, red, green, blue }, curves: curves as RgbProfile['curves'], bytes }
  } catch {
    return undefined // a tag pointing outside the profile: not one we can trust
  }
}

function attempt<T>(read: () => T): T | undefined {
  try {
    return read()
  } catch {
    return undefined
  }
}

function readTagTable(bytes: Buffer): Map<string, Buffer> {
  const count = bytes.readUInt32BE(HEADER_SIZE)
  const tags = new Map<string, Buffer>()
  for (let i = 0; i < count; i++) {
    const entry = HEADER_SIZE + 4 + i * TAG_ENTRY_SIZE
    const offset = bytes.readUInt32BE(entry + 4)
    const size = bytes.readUInt32BE(entry + 8)
    if (offset + size > bytes.length) throw new RangeError('tag outside the profile')
    tags.set(bytes.toString('latin1', entry, entry + 4), bytes.subarray(offset, offset + size))
  }
  return tags
}

function s15Fixed16(data: Buffer, offset: number): number {
  return data.readInt32BE(offset) / 65536
}

function readXyz(data: Buffer | undefined): [number, number, number] | undefined {
  if (!data || data.length < 20 || data.toString('latin1', 0, 4) !== 'XYZ ') return undefined
  return [s15Fixed16(data, 8), s15Fixed16(data, 12), s15Fixed16(data, 16)]
}

const PARAMETRIC_COUNT = [1, 3, 4, 5, 7]

function readCurve(data: Buffer | undefined): ToneCurve | undefined {
  if (!data || data.length < 12) return undefined
  const type = data.toString('latin1', 0, 4)
  if (type === 'curv') {
    const count = data.readUInt32BE(8)
    if (count === 0) return { kind: 'gamma', gamma: 1 }
    if (count === 1) return { kind: 'gamma', gamma: data.readUInt16BE(12) / 256 }
    const table = new Float64Array(count)
    for (let i = 0; i < count; i++) table[i] = data.readUInt16BE(12 + 2 * i) / 65535
    return { kind: 'table', table }
  }
  if (type === 'para') {
    const functionType = data.readUInt16BE(8)
    const count = PARAMETRIC_COUNT[functionType]
    if (count === undefined) return undefined
    const params = [1, 1, 0, 0, 0, 0, 0]
    for (let i = 0; i < count; i++) params[i] = s15Fixed16(data, 12 + 4 * i)
    return { kind: 'parametric', type: functionType, params }
  }
  return undefined
}

/** v2 `desc` (ASCII) or v4 `mluc` (UTF-16, first record). */
function readDescription(data: Buffer | undefined): string | undefined {
  if (!data || data.length < 12) return undefined
  const type = data.toString('latin1', 0, 4)
  if (type === 'desc') {
    const length = data.readUInt32BE(8)
    return data
      .toString('latin1', 12, 12 + Math.max(0, length - 1))
      .replace(/\0+$/, '')
      .trim()
  }
  if (type === 'mluc' && data.readUInt32BE(8) > 0) {
    const length = data.readUInt32BE(20)
    const offset = data.readUInt32BE(24)
    // A copy: swap16 works in place, and these bytes are the profile embedded again later.
    return Buffer.from(data.subarray(offset, offset + length))
      .swap16()
      .toString('utf16le')
  }
  return undefined
}
