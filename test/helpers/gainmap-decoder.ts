/**
 * An Ultra HDR / Adobe gain-map decoder written from the specifications, independent of the
 * engine's encoder (it shares no code with `src-main/engine/ultrahdr`), for tests.
 *
 * - JPEG markers (ITU T.81): SOI, then segments `FF xx <u16 length incl. itself> <payload>` up to SOS.
 * - MPF (CIPA DC-007): APP2 `MPF\0` + TIFF header; the index IFD's MPEntry (0xB002) lists 16-byte
 *   entries `{u32 attributes, u32 size, u32 offset, u16, u16}`; offsets count from the TIFF header
 *   (the byte after `MPF\0`), 0 for the first image.
 * - hdrgm XMP (Adobe gain map 1.0): the gain-map image's XMP carries GainMapMin/Max (log2),
 *   Gamma, OffsetSDR/HDR, HDRCapacityMin/Max (log2), BaseRenditionIsHDR; each may be one value.
 * - Reconstruction at full weight: `r' = r^(1/gamma)`,
 *   `log_boost = GainMapMin·(1−r') + GainMapMax·r'`,
 *   `HDR = (SDR_linear + OffsetSDR) · 2^log_boost − OffsetHDR` per channel.
 */
import sharp from 'sharp'

export interface MpEntry {
  attributes: number
  size: number
  /** Absolute offset in the file (MPF's relative offset already resolved). */
  start: number
}

export interface HdrgmValues {
  version: string
  gainMapMin: number
  gainMapMax: number
  gamma: number
  offsetSdr: number
  offsetHdr: number
  hdrCapacityMin: number
  hdrCapacityMax: number
  baseRenditionIsHdr: boolean
}

export interface Segment {
  marker: number
  /** Absolute offset of the 0xFF of the marker. */
  at: number
  payload: Buffer
}

export interface DecodedGainMapJpeg {
  entries: MpEntry[]
  primaryXmp: string
  gainMapXmp: string
  hdrgm: HdrgmValues
  /** Payload after the ISO 21496-1 namespace in the gain-map image, if present. */
  isoGainMap?: Buffer
  gainMapJpeg: Buffer
  width: number
  height: number
  /** Interleaved linear RGB of the reconstructed HDR rendition. */
  hdr: Float32Array
}

/** Segments of the JPEG starting at `start`, up to (not including) SOS. */
export function readSegments(file: Buffer, start = 0): Segment[] {
  if (file[start] !== 0xff || file[start + 1] !== 0xd8) throw new Error(`No SOI at ${start}`)
  const segments: Segment[] = []
  let pos = start + 2
  while (pos + 4 <= file.length) {
    if (file[pos] !== 0xff) throw new Error(`Expected a marker at ${pos}`)
    const marker = file[pos + 1]
    if (marker === 0xda) break
    const length = file.readUInt16BE(pos + 2)
    segments.push({ marker, at: pos, payload: file.subarray(pos + 4, pos + 2 + length) })
    pos += 2 + length
  }
  return segments
}

/** The MP entries of the primary image's MPF segment, with absolute offsets. */
export function readMpf(file: Buffer): MpEntry[] {
  const mpf = readSegments(file).find((s) => s.marker === 0xe2 && s.payload.toString('latin1', 0, 4) === 'MPF\0')
  if (!mpf) throw new Error('No MPF APP2 segment')
  const tiffStart = mpf.at + 4 + 4
  const t = mpf.payload.subarray(4)
  const le = t.toString('latin1', 0, 2) === 'II'
  const u16 = (o: number): number => (le ? t.readUInt16LE(o) : t.readUInt16BE(o))
  const u32 = (o: number): number => (le ? t.readUInt32LE(o) : t.readUInt32BE(o))
  if (u16(2) !== 42) throw new Error('Bad MPF TIFF header')
  const ifd = u32(4)
  const n = u16(ifd)
  let entryCount = 0
  let entryOffset = 0
  for (let k = 0; k < n; k++) {
    const at = ifd + 2 + k * 12
    const tag = u16(at)
    if (tag === 0xb001) entryCount = u32(at + 8)
    if (tag === 0xb002) entryOffset = u32(at + 8)
  }
  const entries: MpEntry[] = []
  for (let k = 0; k < entryCount; k++) {
    const at = entryOffset + k * 16
    const offset = u32(at + 8)
    entries.push({ attributes: u32(at), size: u32(at + 4), start: offset === 0 ? 0 : tiffStart + offset })
  }
  return entries
}

const XMP_NS = 'http://ns.adobe.com/xap/1.0/\0'
const ISO_NS = 'urn:iso:std:iso:ts:21496:-1\0'

function findXmp(segments: Segment[]): string {
  const s = segments.find((x) => x.marker === 0xe1 && x.payload.toString('latin1', 0, XMP_NS.length) === XMP_NS)
  if (!s) throw new Error('No XMP APP1 segment')
  return s.payload.toString('utf8', XMP_NS.length)
}

/** One hdrgm property, as an attribute (`hdrgm:X="v"`) or element (`<hdrgm:X>v</hdrgm:X>`). */
function hdrgm(xmp: string, name: string, fallback?: string): string {
  const m = new RegExp(`hdrgm:${name}="([^"]*)"`).exec(xmp) ?? new RegExp(`<hdrgm:${name}>([^<]*)<`).exec(xmp)
  if (m) return m[1]
  if (fallback !== undefined) return fallback
  throw new Error(`No hdrgm:${name}`)
}

/** Parses the hdrgm values, with the spec's defaults for optional ones. */
export function parseHdrgm(xmp: string): HdrgmValues {
  const num = (name: string, fallback?: string): number => Number(hdrgm(xmp, name, fallback))
  return {
    version: hdrgm(xmp, 'Version'),
    gainMapMin: num('GainMapMin', '0'),
    gainMapMax: num('GainMapMax'),
    gamma: num('Gamma', '1'),
    offsetSdr: num('OffsetSDR', String(1 / 64)),
    offsetHdr: num('OffsetHDR', String(1 / 64)),
    hdrCapacityMin: num('HDRCapacityMin', '0'),
    hdrCapacityMax: num('HDRCapacityMax'),
    baseRenditionIsHdr: hdrgm(xmp, 'BaseRenditionIsHDR', 'False') === 'True'
  }
}

/** ISO 21496-1 gain-map metadata, the values the hdrgm XMP also carries (first channel). */
export interface IsoGainMapValues {
  multichannel: boolean
  baseHdrHeadroom: number
  alternateHdrHeadroom: number
  gainMapMin: number
  gainMapMax: number
  gamma: number
  baseOffset: number
  alternateOffset: number
}

/**
 * Parses the ISO 21496-1 payload (after its namespace): u16 minimum_version, u16 writer_version,
 * u8 flags (bit 7 multichannel, bit 3 common denominator), then fractions — headrooms unsigned,
 * per channel min/max signed, gamma unsigned, offsets signed — each a numerator followed by a
 * u32 denominator unless the common denominator is used. All big-endian.
 */
export function parseIsoGainMap(payload: Buffer): IsoGainMapValues {
  let pos = 5
  const flags = payload[4]
  const common = flags & 0x08 ? payload.readUInt32BE(pos) : undefined
  if (common !== undefined) pos += 4
  const fraction = (signed: boolean): number => {
    const n = signed ? payload.readInt32BE(pos) : payload.readUInt32BE(pos)
    pos += 4
    const d = common ?? payload.readUInt32BE(pos)
    if (common === undefined) pos += 4
    return n / d
  }
  return {
    multichannel: (flags & 0x80) !== 0,
    baseHdrHeadroom: fraction(false),
    alternateHdrHeadroom: fraction(false),
    gainMapMin: fraction(true),
    gainMapMax: fraction(true),
    gamma: fraction(false),
    baseOffset: fraction(true),
    alternateOffset: fraction(true)
  }
}

function srgbToLinear(v: number): number {
  return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4)
}

/**
 * Bilinear resampling of 8-bit samples to [0,1] floats with pixel centres aligned, as GPU texture
 * sampling does (Chrome, Android and gainmap-js decode gain maps that way). Edges clamp.
 */
function upsampleBilinear(src: Buffer, sw: number, sh: number, dw: number, dh: number): Float32Array {
  const out = new Float32Array(dw * dh)
  for (let y = 0; y < dh; y++) {
    const fy = Math.min(Math.max(((y + 0.5) * sh) / dh - 0.5, 0), sh - 1)
    const y0 = Math.floor(fy)
    const y1 = Math.min(y0 + 1, sh - 1)
    const wy = fy - y0
    for (let x = 0; x < dw; x++) {
      const fx = Math.min(Math.max(((x + 0.5) * sw) / dw - 0.5, 0), sw - 1)
      const x0 = Math.floor(fx)
      const x1 = Math.min(x0 + 1, sw - 1)
      const wx = fx - x0
      const top = src[y0 * sw + x0] * (1 - wx) + src[y0 * sw + x1] * wx
      const bottom = src[y1 * sw + x0] * (1 - wx) + src[y1 * sw + x1] * wx
      out[y * dw + x] = (top * (1 - wy) + bottom * wy) / 255
    }
  }
  return out
}

/**
 * Decodes an Ultra HDR JPEG: container, metadata, base and gain map, and the HDR rendition at
 * full weight, with the gain map upsampled bilinearly to the base's size.
 */
export async function decodeGainMapJpeg(file: Buffer): Promise<DecodedGainMapJpeg> {
  const entries = readMpf(file)
  if (entries.length < 2) throw new Error(`Expected 2 MP entries, found ${entries.length}`)
  const gm = entries[1]
  const gainMapJpeg = file.subarray(gm.start, gm.start + gm.size)
  const primaryXmp = findXmp(readSegments(file))
  const gmSegments = readSegments(file, gm.start)
  const gainMapXmp = findXmp(gmSegments)
  const iso = gmSegments.find((s) => s.marker === 0xe2 && s.payload.toString('latin1', 0, ISO_NS.length) === ISO_NS)
  const values = parseHdrgm(gainMapXmp)

  const base = await sharp(file.subarray(0, entries[0].size)).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  const { width, height, channels } = base.info
  if (channels !== 3) throw new Error(`Expected an RGB base image, found ${channels} channels`)
  const mapImage = await sharp(gainMapJpeg)
    .extractChannel(0)
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true })
  const map = upsampleBilinear(mapImage.data, mapImage.info.width, mapImage.info.height, width, height)

  const lut = new Float64Array(256)
  for (let v = 0; v < 256; v++) lut[v] = srgbToLinear(v / 255)
  const hdr = new Float32Array(width * height * 3)
  for (let p = 0; p < width * height; p++) {
    const r = Math.pow(map[p], 1 / values.gamma)
    const boost = Math.pow(2, values.gainMapMin * (1 - r) + values.gainMapMax * r)
    for (let c = 0; c < 3; c++) {
      hdr[p * 3 + c] = (lut[base.data[p * 3 + c]] + values.offsetSdr) * boost - values.offsetHdr
    }
  }
  return {
    entries,
    primaryXmp,
    gainMapXmp,
    hdrgm: values,
    isoGainMap: iso?.payload.subarray(ISO_NS.length),
    gainMapJpeg,
    width,
    height,
    hdr
  }
}
