/**
 * Hands a photo back in its own colour space (ProPhoto, Adobe RGB, Display P3: what editors send
 * out). The model sees an sRGB copy; whatever the conversion made of it in sRGB-linear light (the
 * radiance, or a tone-mapped rendering) differs from that copy by a linear amount, and that
 * difference, moved to the photo's primaries by a matrix, is added to the photo's own linear
 * pixels. Where the conversion changed nothing the photo's own values come back exactly, so colours
 * outside sRGB keep their gamut; where it recovered highlights, the recovery is added in full.
 */
import {
  curveQuantiser,
  curveToLinear,
  rgbToRgb,
  SRGB_COLORANTS,
  SRGB_CURVE,
  type Colorants,
  type Matrix3,
  type ToneCurve
} from './colour-space'
import { lineariseSamples } from './srgb-tables'
import type { PixelSource, RgbSamples } from '../types'

/** A colour space as a matrix/TRC profile describes it. */
export interface RgbSpace {
  primaries: Colorants
  curves: [ToneCurve, ToneCurve, ToneCurve]
}

/** The photo's own pixels and colour space, oriented like the sRGB decode. */
export interface SourceColour {
  space: RgbSpace
  samples: RgbSamples
}

/** Linear values per encoded sample, for each channel's curve. */
function linearTables(source: SourceColour): Float32Array[] {
  const levels = source.samples.bits === 16 ? 65536 : 256
  return source.space.curves.map((curve) =>
    Float32Array.from({ length: levels }, (_, k) => curveToLinear(curve, k / (levels - 1)))
  )
}

/**
 * The sRGB copy the model sees, made from the photo's own samples by the profile's matrix (clipped
 * to sRGB's gamut). Exact to the profile, where sharp's 16-bit conversion of ProPhoto TIFFs differed
 * from ImageMagick's lcms by 1.6/255 on average on a photo and by 7.8/255 (89 at worst) on saturated
 * colours, while lcms agrees with this within 0.05/255. It also keeps the copy consistent with the
 * hand-back below.
 * @param source The photo's own samples and space.
 * @param shared Allocate in shared memory (for the strip workers).
 * @returns 16-bit sRGB samples of the same size.
 */
export function srgbCopy(source: SourceColour, shared = false): RgbSamples {
  const { width, height, data } = source.samples
  const [lr, lg, lb] = linearTables(source)
  const m = rgbToRgb(source.space.primaries, SRGB_COLORANTS)
  const length = width * height * 3
  const out = new Uint16Array(shared ? new SharedArrayBuffer(length * 2) : new ArrayBuffer(length * 2))
  const encode = curveQuantiser(SRGB_CURVE, 16)
  for (let i = 0; i < length; i += 3) {
    const r = lr[data[i]]
    const g = lg[data[i + 1]]
    const b = lb[data[i + 2]]
    out[i] = encode(m[0] * r + m[1] * g + m[2] * b)
    out[i + 1] = encode(m[3] * r + m[4] * g + m[5] * b)
    out[i + 2] = encode(m[6] * r + m[7] * g + m[8] * b)
  }
  return { width, height, bits: 16, data: out }
}

/** Moves rows of an sRGB-linear result into the photo's own space, row by row as strips arrive. */
export class SourceColourTransfer {
  readonly #source: SourceColour
  readonly #input: PixelSource
  readonly #matrix: Matrix3
  /** Encoded sample → linear, per channel. */
  readonly #ownLinear: Float32Array[]
  readonly #quantiserCache: Partial<Record<8 | 16, ((linear: number) => number)[]>> = {}

  /**
   * @param source The photo's own samples and space.
   * @param input The sRGB copy the model saw (same size and orientation).
   */
  constructor(source: SourceColour, input: PixelSource) {
    if (source.samples.width !== input.width || source.samples.height !== input.height)
      throw new RangeError('the photo and its sRGB copy differ in size')
    this.#source = source
    this.#input = input
    this.#matrix = rgbToRgb(SRGB_COLORANTS, source.space.primaries)
    this.#ownLinear = linearTables(source)
  }

  /**
   * The photo's own linear pixels plus the conversion's change, in its primaries.
   * @param result sRGB-linear rows of the result (radiance, or display-linear light in [0,1]).
   * @param firstRow The image row `result` starts at.
   * @returns Linear values in the photo's primaries, never negative.
   */
  toSourceLinear(result: Float32Array, firstRow: number): Float32Array {
    const start = firstRow * this.#input.width * 3
    const count = result.length
    const inputLinear = new Float32Array(count)
    lineariseSamples(this.#input, start, count, inputLinear)
    const own = this.#source.samples.data
    const [lr, lg, lb] = this.#ownLinear
    const m = this.#matrix
    const out = new Float32Array(count)
    for (let i = 0; i < count; i += 3) {
      const dr = result[i] - inputLinear[i]
      const dg = result[i + 1] - inputLinear[i + 1]
      const db = result[i + 2] - inputLinear[i + 2]
      out[i] = Math.max(0, lr[own[start + i]] + m[0] * dr + m[1] * dg + m[2] * db)
      out[i + 1] = Math.max(0, lg[own[start + i + 1]] + m[3] * dr + m[4] * dg + m[5] * db)
      out[i + 2] = Math.max(0, lb[own[start + i + 2]] + m[6] * dr + m[7] * dg + m[8] * db)
    }
    return out
  }

  /**
   * Encodes display-linear values in the photo's space with its own curves.
   * @param linear Values in [0,1] (clamped).
   * @param bits 8 or 16.
   */
  encode(linear: Float32Array, bits: 8 | 16): Uint8Array | Uint16Array {
    const out = bits === 16 ? new Uint16Array(linear.length) : new Uint8Array(linear.length)
    const [r, g, b] = this.#quantisers(bits)
    for (let i = 0; i < linear.length; i += 3) {
      out[i] = r(linear[i])
      out[i + 1] = g(linear[i + 1])
      out[i + 2] = b(linear[i + 2])
    }
    return out
  }

  /** Each channel's quantiser at `bits`, built once per transfer. */
  #quantisers(bits: 8 | 16): ((linear: number) => number)[] {
    this.#quantiserCache[bits] ??= this.#source.space.curves.map((curve) => curveQuantiser(curve, bits))
    return this.#quantiserCache[bits]
  }
}

/**
 * sRGB-encoded integers (a tone-mapped strip) back to display-linear floats.
 * @param encoded 16-bit sRGB samples.
 */
export function displayLinear(encoded: Uint16Array): Float32Array {
  const out = new Float32Array(encoded.length)
  lineariseSamples({ width: encoded.length / 3, height: 1, bits: 16, data: encoded }, 0, encoded.length, out)
  return out
}
