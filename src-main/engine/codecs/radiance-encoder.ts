/**
 * Radiance RGBE (`.hdr`) writer; the format and the reader are described in `radiance.ts`.
 *
 * This is the hottest loop of an export (12 MP is 12 million pixels), so each pixel's exponent is
 * read straight from the float32 bits of its brightest channel and each row's four component
 * planes are run-length coded without intermediate arrays.
 */
import { UnclipError } from '../errors'
import type { RgbImage } from '../types'

export interface RadianceEncodeOptions {
  /** New-style run-length scanlines (default true); flat regardless for widths outside 8..32767. */
  rle?: boolean
  /** Written as an `EXPOSURE=` header line when given; must be finite and > 0. */
  exposure?: number
}

export interface RadianceEncoder {
  /** Header through the resolution line; write it first. */
  header: Buffer
  /**
   * Encodes the next full-width rows (interleaved RGB floats, a multiple of `width·3` long).
   * @returns A new buffer the caller owns.
   * @throws UnclipError `INVALID_ARGUMENT` for a partial row or more rows than `height`.
   */
  encodeRows(rows: Float32Array): Buffer
}

/** Widths the new-style run-length scanline can describe; others are always flat (the decoder reads the same rule). */
export const MIN_RLE_WIDTH = 8
export const MAX_RLE_WIDTH = 0x7fff
/** Shortest run worth a run code; shorter ones cost less as literals. */
const MIN_RUN = 4
const MAX_RUN = 127
const MAX_LITERAL = 128
/** Largest finite RGBE value: mantissa 255 with the top exponent. */
const MAX_RGBE = 255 * 2 ** 119
/** Smallest normal float32: from here up, the exponent bits give frexp directly. */
const MIN_NORMAL_FLOAT32 = 2 ** -126

/** Scratch floats and their bits, to read exponents without Math.log2. */
const f32 = new Float32Array(1)
const f32Bits = new Uint32Array(f32.buffer)
const f64 = new Float64Array(1)
const f64Words = new Uint32Array(f64.buffer)
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0
/** `POW2[POW2_OFFSET + k] = 2^k` for the k a float32 pixel can need. */
const POW2_OFFSET = 160
const POW2 = Float64Array.from({ length: 320 }, (_, i) => 2 ** (i - POW2_OFFSET))

/**
 * Starts a streaming Radiance encoder for strips of full-width, top-down rows.
 * @param width Pixels per row, a positive integer.
 * @param height Rows in the whole image, a positive integer.
 * @param options Run-length coding and `EXPOSURE`.
 * @returns The header and a row encoder; concatenate header and every `encodeRows` result.
 * @throws UnclipError `INVALID_ARGUMENT` for bad dimensions or exposure.
 * @example
 * const encoder = createRadianceEncoder(w, h)
 * await file.write(encoder.header)
 * await file.write(encoder.encodeRows(strip)) // ...for each strip, top to bottom
 */
export function createRadianceEncoder(
  width: number,
  height: number,
  options: RadianceEncodeOptions = {}
): RadianceEncoder {
  for (const [name, value] of [
    ['width', width],
    ['height', height]
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new UnclipError('INVALID_ARGUMENT', `Expected positive integer for ${name} but received ${String(value)}`)
    }
  }
  const { exposure } = options
  if (exposure !== undefined && !(Number.isFinite(exposure) && exposure > 0)) {
    throw new UnclipError(
      'INVALID_ARGUMENT',
      `Expected positive finite number for exposure but received ${String(exposure)}`
    )
  }
  const rle = options.rle !== false && width >= MIN_RLE_WIDTH && width <= MAX_RLE_WIDTH
  const lines = ['#?RADIANCE', 'FORMAT=32-bit_rle_rgbe']
  if (exposure !== undefined) lines.push(`EXPOSURE=${exposure}`)
  const header = Buffer.from(`${lines.join('\n')}\n\n-Y ${height} +X ${width}\n`, 'latin1')
  // One plane per component (R, G, B, E), as the run-length coder reads them.
  const planes = new Uint8Array(4 * width)
  // Worst case per RLE scanline: 4 header bytes, every byte a literal, one count per 128 literals.
  const maxLineBytes = rle ? 4 + 4 * width + 4 * Math.ceil(width / MAX_LITERAL) : 4 * width
  let rowsWritten = 0

  function encodeRows(rows: Float32Array): Buffer {
    if (rows.length % (width * 3) !== 0) {
      throw new UnclipError(
        'INVALID_ARGUMENT',
        `Expected a multiple of ${width * 3} samples (whole rows) but received ${rows.length}`
      )
    }
    const count = rows.length / (width * 3)
    if (rowsWritten + count > height) {
      throw new UnclipError(
        'INVALID_ARGUMENT',
        `Expected at most ${height} rows in total but received ${rowsWritten + count}`
      )
    }
    const out = Buffer.allocUnsafe(count * maxLineBytes)
    let o = 0
    for (let y = 0; y < count; y++) {
      if (rle) {
        rowToRgbe(rows, y * width * 3, width, planes, 0, 1, width)
        out[o] = 2
        out[o + 1] = 2
        out[o + 2] = width >> 8
        out[o + 3] = width & 0xff
        o += 4
        for (let c = 0; c < 4; c++) o = runLengthCode(planes, c * width, width, out, o)
      } else {
        rowToRgbe(rows, y * width * 3, width, out, o, 4, 1)
        o += 4 * width
      }
    }
    rowsWritten += count
    return out.subarray(0, o)
  }
  return { header, encodeRows }
}

/**
 * Encodes a whole image as a Radiance `.hdr` file.
 * @param image Linear RGB; negatives and NaN are written as 0, values above ~1.7e38 saturate.
 * @param options Run-length coding and `EXPOSURE`.
 * @returns The complete file.
 * @throws UnclipError `INVALID_ARGUMENT` for a bad image shape or options.
 */
export function encodeRadiance(image: RgbImage, options: RadianceEncodeOptions = {}): Buffer {
  const { width, height, data } = image
  const encoder = createRadianceEncoder(width, height, options)
  if (data.length !== width * height * 3) {
    throw new UnclipError(
      'INVALID_ARGUMENT',
      `Expected ${width}×${height}×3 = ${width * height * 3} samples but received ${data.length}`
    )
  }
  return Buffer.concat([encoder.header, encoder.encodeRows(data)])
}

/**
 * One row of float pixels as RGBE: byte `c` of pixel `x` goes to `out[o + x·pixelStep + c·planeStep]`
 * (planes for run-length coding: pixelStep 1, planeStep width; flat: 4 and 1).
 */
function rowToRgbe(
  src: Float32Array,
  start: number,
  width: number,
  out: Uint8Array,
  o: number,
  pixelStep: number,
  planeStep: number
): void {
  for (let x = 0, s = start; x < width; x++, s += 3, o += pixelStep) {
    let r = src[s]
    let g = src[s + 1]
    let b = src[s + 2]
    r = r > 0 ? (r < MAX_RGBE ? r : MAX_RGBE) : 0
    g = g > 0 ? (g < MAX_RGBE ? g : MAX_RGBE) : 0
    b = b > 0 ? (b < MAX_RGBE ? b : MAX_RGBE) : 0
    const max = r > g ? (r > b ? r : b) : g > b ? g : b
    // frexp: max = m · 2^e with m in [0.5, 1), from the float32 bits (0.1f · 2^(E−126)), or for the
    // rare float32 subnormal from its float64 bits; black needs neither.
    let e = -128
    if (max >= MIN_NORMAL_FLOAT32) {
      f32[0] = max
      e = ((f32Bits[0] >>> 23) & 0xff) - 126
    } else if (max > 0) {
      f64[0] = max
      e = ((f64Words[HIGH_WORD] >>> 20) & 0x7ff) - 1022
    }
    let scale = POW2[POW2_OFFSET + 8 - e]
    // Round-to-nearest can carry the mantissa to 256: one exponent up instead.
    if (max * scale >= 255.5) {
      e++
      scale *= 0.5
    }
    if (e + 128 < 1) {
      out[o] = out[o + planeStep] = out[o + 2 * planeStep] = out[o + 3 * planeStep] = 0
      continue
    }
    // Scaled values are float32 times a power of two, so + 0.5 is exact and | 0 rounds half up like Math.round.
    out[o] = (r * scale + 0.5) | 0
    out[o + planeStep] = (g * scale + 0.5) | 0
    out[o + 2 * planeStep] = (b * scale + 0.5) | 0
    out[o + 3 * planeStep] = e + 128
  }
}

/**
 * Run-length codes `length` bytes of `src` from `start` into `out` at `o`: runs of at least
 * `MIN_RUN` equal bytes (at most 127) become a count + 128 and the byte, everything between them
 * literal blocks of at most 128 bytes led by their count.
 * @returns The position after the last byte written.
 */
function runLengthCode(src: Uint8Array, start: number, length: number, out: Uint8Array, o: number): number {
  const end = start + length
  let literalStart = start
  let k = start
  while (k + MIN_RUN <= end) {
    // Skip ahead past shorter runs: one comparison per byte in noisy planes, where runs are rare.
    const value = src[k]
    if (src[k + 1] !== value) {
      k += 1
      continue
    }
    if (src[k + 2] !== value) {
      k += 2
      continue
    }
    if (src[k + 3] !== value) {
      k += 3
      continue
    }
    let j = k + MIN_RUN
    const limit = Math.min(end, k + MAX_RUN)
    while (j < limit && src[j] === value) j++
    o = copyLiterals(src, literalStart, k, out, o)
    out[o++] = 128 + (j - k)
    out[o++] = value
    literalStart = k = j
  }
  return copyLiterals(src, literalStart, end, out, o)
}

function copyLiterals(src: Uint8Array, from: number, to: number, out: Uint8Array, o: number): number {
  while (from < to) {
    const n = Math.min(MAX_LITERAL, to - from)
    out[o++] = n
    if (n > 16) out.set(src.subarray(from, from + n), o)
    else for (let k = 0; k < n; k++) out[o + k] = src[from + k]
    o += n
    from += n
  }
  return o
}
