/**
 * OpenEXR writer: single-part scanline image, half-float B, G, R channels, ZIP (16 scanlines per
 * chunk) or no compression. Layout follows the OpenEXR file-layout document: magic and version,
 * attributes (name, type, size, value) ending in a null byte, a table of 64-bit chunk offsets,
 * then chunks of `y, size, data` where data holds each scanline's channels in channel-list order.
 */
import { deflateSync } from 'node:zlib'
import { UnclipError } from '../errors'
import { floatToHalf } from './half-float'
import type { RgbImage } from '../types'

export interface ExrEncodeOptions {
  /** `'zip'` (default) or `'none'`. */
  compression?: 'zip' | 'none'
  /** Extra string attributes, e.g. `{ software: 'Unclip 0.1.0' }`; names must not clash with the standard ones. */
  attributes?: Record<string, string>
}

const MAGIC = 20000630
/** Version 2, single-part scanline, short names: no flag bits set. */
const VERSION = 2
const HALF = 1
const COMPRESSION = { none: { code: 0, lines: 1 }, zip: { code: 3, lines: 16 } } as const
/** Channels sorted by name as the format requires, with the interleaved RGB offset of each. */
const CHANNELS = [
  ['B', 2],
  ['G', 1],
  ['R', 0]
] as const
const STANDARD = [
  'channels',
  'compression',
  'dataWindow',
  'displayWindow',
  'lineOrder',
  'pixelAspectRatio',
  'screenWindowCenter',
  'screenWindowWidth'
]

/**
 * Encodes an image as an OpenEXR file.
 * @param image Linear RGB; values are stored as half floats, magnitudes above 65504 clamp to it.
 * @param options Compression and extra string attributes.
 * @returns The complete file.
 * @throws UnclipError `INVALID_ARGUMENT` for a bad image shape, compression or attribute.
 * @example writeFileSync('out.exr', encodeExr(image, { attributes: { software: 'Unclip' } }))
 */
export function encodeExr(image: RgbImage, options: ExrEncodeOptions = {}): Buffer {
  const { width, height, data } = image
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw invalid(`Expected positive integer width and height but received ${width}×${height}`)
  }
  if (data.length !== width * height * 3)
    throw invalid(`Expected ${width}×${height}×3 = ${width * height * 3} samples but received ${data.length}`)
  const compressionName = options.compression ?? 'zip'
  if (!Object.hasOwn(COMPRESSION, compressionName)) {
    throw invalid(`Expected EXR compression 'zip' or 'none' but received '${String(compressionName)}'`)
  }
  const compression = COMPRESSION[compressionName]

  const header = encodeHeader(width, height, compression.code, options.attributes ?? {})
  const chunkCount = Math.ceil(height / compression.lines)
  const chunks: Buffer[] = []
  for (let y = 0; y < height; y += compression.lines) {
    const raw = scanlineBlock(data, width, y, Math.min(compression.lines, height - y))
    const packed = compression.code === 0 ? raw : zipBlock(raw)
    const prefix = Buffer.alloc(8)
    prefix.writeInt32LE(y, 0)
    prefix.writeInt32LE(packed.length, 4)
    chunks.push(prefix, packed)
  }
  const offsets = Buffer.alloc(chunkCount * 8)
  let offset = header.length + offsets.length
  for (let i = 0; i < chunkCount; i++) {
    offsets.writeBigUInt64LE(BigInt(offset), i * 8)
    offset += chunks[i * 2].length + chunks[i * 2 + 1].length
  }
  return Buffer.concat([header, offsets, ...chunks])
}

function invalid(message: string): UnclipError {
  return new UnclipError('INVALID_ARGUMENT', message)
}

function encodeHeader(width: number, height: number, compression: number, extra: Record<string, string>): Buffer {
  const window = int32s(0, 0, width - 1, height - 1)
  const attributes: [string, string, Buffer][] = [
    ['channels', 'chlist', channelList()],
    ['compression', 'compression', Buffer.from([compression])],
    ['dataWindow', 'box2i', window],
    ['displayWindow', 'box2i', window],
    ['lineOrder', 'lineOrder', Buffer.from([0])],
    ['pixelAspectRatio', 'float', float32s(1)],
    ['screenWindowCenter', 'v2f', float32s(0, 0)],
    ['screenWindowWidth', 'float', float32s(1)]
  ]
  for (const [name, value] of Object.entries(extra)) {
    if (STANDARD.includes(name)) throw invalid(`EXR attribute '${name}' is written by Unclip and cannot be overridden`)
    // Short-name files limit attribute names to 31 bytes; null bytes would end the name early.
    if (name.length === 0 || Buffer.byteLength(name) > 31 || name.includes('\0')) {
      throw invalid(`Expected EXR attribute name of 1 to 31 bytes without null characters but received '${name}'`)
    }
    if (typeof value !== 'string')
      throw invalid(`Expected string value for EXR attribute '${name}' but received ${typeof value}`)
    attributes.push([name, 'string', Buffer.from(value, 'utf8')])
  }
  attributes.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const parts = [int32s(MAGIC, VERSION)]
  for (const [name, type, value] of attributes) {
    parts.push(Buffer.from(`${name}\0${type}\0`, 'utf8'), int32s(value.length), value)
  }
  parts.push(Buffer.from([0]))
  return Buffer.concat(parts)
}

/** Each channel: name, pixel type, pLinear, 3 reserved bytes, x and y sampling; then a null. */
function channelList(): Buffer {
  const parts: Buffer[] = []
  for (const [name] of CHANNELS) parts.push(Buffer.from(`${name}\0`), int32s(HALF), Buffer.alloc(4), int32s(1, 1))
  parts.push(Buffer.from([0]))
  return Buffer.concat(parts)
}

/** Rows `y0 .. y0+rows-1`, each as B, G, R runs of little-endian halves. */
function scanlineBlock(data: Float32Array, width: number, y0: number, rows: number): Buffer {
  const out = Buffer.alloc(rows * width * 3 * 2)
  const view = new DataView(out.buffer, out.byteOffset, out.length)
  let o = 0
  for (let y = y0; y < y0 + rows; y++) {
    for (const [, channel] of CHANNELS) {
      for (let x = 0, i = y * width * 3 + channel; x < width; x++, i += 3, o += 2)
        view.setUint16(o, floatToHalf(data[i]), true)
    }
  }
  return out
}

/**
 * OpenEXR ZIP: split the bytes into even and odd halves, delta-code them (+128, mod 256), then
 * zlib. A block that would not shrink is stored raw, which readers detect by its size.
 */
function zipBlock(raw: Buffer): Buffer {
  const n = raw.length
  const tmp = Buffer.alloc(n)
  const half = (n + 1) >> 1
  for (let i = 0; i < n; i++) tmp[(i & 1) === 0 ? i >> 1 : half + (i >> 1)] = raw[i]
  let previous = tmp[0]
  for (let i = 1; i < n; i++) {
    const current = tmp[i]
    tmp[i] = (current - previous + 128 + 256) & 0xff
    previous = current
  }
  const packed = deflateSync(tmp)
  return packed.length < n ? packed : raw
}

function int32s(...values: number[]): Buffer {
  const out = Buffer.alloc(values.length * 4)
  values.forEach((v, i) => out.writeInt32LE(v, i * 4))
  return out
}

function float32s(...values: number[]): Buffer {
  const out = Buffer.alloc(values.length * 4)
  values.forEach((v, i) => out.writeFloatLE(v, i * 4))
  return out
}
