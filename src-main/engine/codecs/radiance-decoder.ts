/**
 * Radiance RGBE (`.hdr`) decoder (the encoder is `radiance-encoder.ts`). The app never reads `.hdr`
 * files; the tests and the e2e walk read back what the encoder wrote with it, and it is checked
 * against OpenCV's reader on the same files.
 *
 * Pixels are 4 bytes: three 8-bit mantissas sharing one exponent byte `e`, value = `m · 2^(e-136)`
 * (`e = 0` is black). We write with round-to-nearest mantissas, so the brightest channel of a
 * pixel is within 1/256 relative, and every channel within 1/256 of the pixel's brightest
 * channel; we read without Radiance's +0.5 offset (as OpenCV and stb_image do), so an encoded
 * pixel decodes and re-encodes to the same bytes.
 *
 * `EXPOSURE=` follows the format's meaning: stored value = radiance × EXPOSURE. The decoder
 * returns pixel values exactly as stored and the product of all EXPOSURE lines (1 when absent)
 * as `exposure`; divide by it for the original radiance. The encoder writes the pixels it is given
 * and the `exposure` option as an EXPOSURE line, without scaling anything.
 */
import { UnclipError } from '../errors'
import { MAX_RLE_WIDTH, MIN_RLE_WIDTH } from './radiance-encoder'
import type { RgbImage } from '../types'

/** Largest image the decoder allocates for (a 3-float-per-pixel buffer of 1.5 GiB). */
export const MAX_RADIANCE_PIXELS = 2 ** 27

/** `2^(e-136)` per exponent byte, 0 for `e = 0`. */
const EXPONENT_SCALE = Float64Array.from({ length: 256 }, (_, e) => (e === 0 ? 0 : 2 ** (e - 136)))

/**
 * Decodes a Radiance `.hdr` file: new-style RLE, flat and old-style RLE scanlines, any `#?`
 * signature (`#?RADIANCE`, `#?RGBE`, ...), all eight orientations (returned top-down, left-right).
 * @param bytes The whole file.
 * @returns The pixels as stored, and the product of the file's EXPOSURE values (1 if none).
 * @throws UnclipError `CORRUPT_IMAGE` ("Radiance file is corrupt: <reason>") for damaged data,
 *   `UNSUPPORTED_FORMAT` for XYZE or other pixel formats, `TOO_LARGE` above `MAX_RADIANCE_PIXELS`.
 */
export function decodeRadiance(bytes: Uint8Array): RgbImage & { exposure: number } {
  const header = parseHeader(bytes)
  const { scanlines, length, width, height } = header
  const out = new Float32Array(width * height * 3)
  const line = new Uint8Array(length * 4)
  let pos = header.dataStart
  for (let s = 0; s < scanlines; s++) {
    pos = readScanline(bytes, pos, line, length)
    let o = header.scanlineStart(s) * 3
    const step = header.pixelStep * 3
    for (let i = 0; i < length * 4; i += 4, o += step) {
      const scale = EXPONENT_SCALE[line[i + 3]]
      out[o] = line[i] * scale
      out[o + 1] = line[i + 1] * scale
      out[o + 2] = line[i + 2] * scale
    }
  }
  return { width, height, data: out, exposure: header.exposure }
}

function corrupt(reason: string): UnclipError {
  return new UnclipError('CORRUPT_IMAGE', `Radiance file is corrupt: ${reason}`)
}

interface Header {
  width: number
  height: number
  /** Scanlines in the file and pixels per scanline (swapped for X-major orientations). */
  scanlines: number
  length: number
  exposure: number
  dataStart: number
  /** Top-down, left-right index of the first pixel of scanline `s`... */
  scanlineStart(s: number): number
  /** ...and the index step from one pixel of a scanline to the next. */
  pixelStep: number
}

const RESOLUTION = /^([-+])([XY]) +(\d{1,9}) +([-+])([XY]) +(\d{1,9})[ \t\r]*$/

function parseHeader(bytes: Uint8Array): Header {
  let pos = 0
  const readLine = (): string | undefined => {
    const end = bytes.indexOf(0x0a, pos)
    if (end < 0) return undefined
    const text = Buffer.from(bytes.buffer, bytes.byteOffset + pos, end - pos).toString('latin1')
    pos = end + 1
    return text
  }
  if (bytes.length < 2 || bytes[0] !== 0x23 || bytes[1] !== 0x3f) throw corrupt('missing the #?RADIANCE signature')
  readLine()
  let exposure = 1
  for (;;) {
    const line = readLine()
    if (line === undefined) throw corrupt('header ends before the blank line that closes it')
    const text = line.replace(/\r$/, '')
    if (text === '') break
    if (text.startsWith('FORMAT=')) {
      const format = text.slice(7).trim()
      if (format === '32-bit_rle_xyze') {
        throw new UnclipError(
          'UNSUPPORTED_FORMAT',
          'Radiance file uses XYZE pixels, which Unclip does not read; save it as RGBE (32-bit_rle_rgbe) instead.'
        )
      }
      if (format !== '32-bit_rle_rgbe') {
        throw new UnclipError(
          'UNSUPPORTED_FORMAT',
          `Radiance file has pixel format '${format}'; Unclip reads only 32-bit_rle_rgbe.`
        )
      }
    } else if (/^\s*EXPOSURE\s*=/.test(text)) {
      const value = Number(text.slice(text.indexOf('=') + 1).trim())
      if (!(Number.isFinite(value) && value > 0)) throw corrupt(`bad EXPOSURE line '${text}'`)
      exposure *= value
    }
  }
  const resolution = readLine()
  const match = resolution === undefined ? null : RESOLUTION.exec(resolution)
  if (match === null || match[2] === match[5]) throw corrupt('missing or malformed resolution line')
  const [, majorSign, majorAxis, majorText, minorSign, , minorText] = match
  const scanlines = Number(majorText)
  const length = Number(minorText)
  if (scanlines < 1 || length < 1) throw corrupt(`image has zero size (${resolution})`)
  const yMajor = majorAxis === 'Y'
  const width = yMajor ? length : scanlines
  const height = yMajor ? scanlines : length
  if (width * height > MAX_RADIANCE_PIXELS) {
    throw new UnclipError(
      'TOO_LARGE',
      `Radiance image is ${width}×${height} pixels, more than the ${MAX_RADIANCE_PIXELS} Unclip can open.`
    )
  }
  // Every scanline takes at least 4 bytes, so this rejects absurd sizes before allocating.
  if (scanlines * 4 > bytes.length - pos)
    throw corrupt(`${scanlines} scanlines declared but only ${bytes.length - pos} bytes of pixel data`)
  // Radiance's +Y points up and +X right; '-' on the major axis means scanlines run down/left.
  const majorReversed = yMajor ? majorSign === '+' : majorSign === '-'
  const minorReversed = yMajor ? minorSign === '-' : minorSign === '+'
  const along = yMajor ? 1 : width
  const across = yMajor ? width : 1
  const scanlineStart = (s: number): number =>
    (majorReversed ? scanlines - 1 - s : s) * across + (minorReversed ? (length - 1) * along : 0)
  return {
    width,
    height,
    scanlines,
    length,
    exposure,
    dataStart: pos,
    scanlineStart,
    pixelStep: minorReversed ? -along : along
  }
}

/** Reads one scanline of `length` RGBE pixels into `line`; returns the position after it. */
function readScanline(bytes: Uint8Array, start: number, line: Uint8Array, length: number): number {
  if (start + 4 > bytes.length) throw corrupt('pixel data ends early')
  const newStyle =
    length >= MIN_RLE_WIDTH &&
    length <= MAX_RLE_WIDTH &&
    bytes[start] === 2 &&
    bytes[start + 1] === 2 &&
    (bytes[start + 2] & 0x80) === 0
  if (!newStyle) return readOldScanline(bytes, start, line, length)
  if (((bytes[start + 2] << 8) | bytes[start + 3]) !== length) throw corrupt('run-length scanline has the wrong width')
  let pos = start + 4
  for (let c = 0; c < 4; c++) {
    let x = 0
    while (x < length) {
      if (pos >= bytes.length) throw corrupt('pixel data ends early')
      let code = bytes[pos++]
      const run = code > 128
      if (run) code -= 128
      if (code === 0 || x + code > length) throw corrupt('bad run-length run')
      if (run) {
        if (pos >= bytes.length) throw corrupt('pixel data ends early')
        const value = bytes[pos++]
        for (const end = x + code; x < end; x++) line[x * 4 + c] = value
      } else {
        if (pos + code > bytes.length) throw corrupt('pixel data ends early')
        for (const end = x + code; x < end; x++) line[x * 4 + c] = bytes[pos++]
      }
    }
  }
  return pos
}

/** Flat pixels, where a (1,1,1,n) pixel repeats the previous one n << shift times (old-style RLE). */
function readOldScanline(bytes: Uint8Array, start: number, line: Uint8Array, length: number): number {
  let pos = start
  let shift = 0
  let x = 0
  while (x < length) {
    if (pos + 4 > bytes.length) throw corrupt('pixel data ends early')
    const r = bytes[pos],
      g = bytes[pos + 1],
      b = bytes[pos + 2],
      e = bytes[pos + 3]
    pos += 4
    if (r === 1 && g === 1 && b === 1) {
      if (x === 0) throw corrupt('old-style run at the start of a scanline')
      const count = shift > 24 ? Infinity : e * 2 ** shift
      if (x + count > length) throw corrupt('old-style run goes past the end of the scanline')
      for (let n = 0; n < count; n++, x++) line.copyWithin(x * 4, (x - 1) * 4, x * 4)
      shift += 8
    } else {
      line[x * 4] = r
      line[x * 4 + 1] = g
      line[x * 4 + 2] = b
      line[x * 4 + 3] = e
      x++
      shift = 0
    }
  }
  return pos
}
