/**
 * sRGB → linear by table lookup, for the per-pixel passes over full-resolution images (the
 * ratio upsampler) and the fit that must agree with them bit for bit (`ratio-fit.ts`).
 */
import { srgbDecode } from './tonemap'
import type { PixelSource } from '../types'

const LUT_SIZE = 65536

let linearLut: Float32Array | undefined
let linear8Lut: Float32Array | undefined

/** sRGB → linear via a table: decoded inputs are k/255 or k/65535, both exact entries here. */
export function linearTable(): Float32Array {
  if (!linearLut) {
    linearLut = new Float32Array(LUT_SIZE)
    for (let i = 0; i < LUT_SIZE; i++) linearLut[i] = srgbDecode(i / (LUT_SIZE - 1))
  }
  return linearLut
}

/** The same for 8-bit samples, indexed by the sample itself. */
function linear8Table(): Float32Array {
  if (!linear8Lut) {
    const lut = linearTable()
    linear8Lut = Float32Array.from({ length: 256 }, (_, k) => lut[k * 257])
  }
  return linear8Lut
}

function lutIndex(v: number): number {
  return v > 0 ? (v < 1 ? (v * (LUT_SIZE - 1) + 0.5) | 0 : LUT_SIZE - 1) : 0
}

/**
 * Linearises `count` samples from `start` into `out` (one code path per sample type keeps each
 * loop monomorphic). Float values take the nearest table entry, exact for decoded k/255 or k/65535.
 * @param source Interleaved sRGB floats or 8/16-bit samples.
 * @param start First sample (not pixel) to read.
 * @param count Samples to convert.
 * @param out Receives `count` linear values.
 */
export function lineariseSamples(source: PixelSource, start: number, count: number, out: Float32Array): void {
  const data = source.data
  if (data instanceof Uint8Array) {
    const lut = linear8Table()
    for (let i = 0; i < count; i++) out[i] = lut[data[start + i]]
  } else if (data instanceof Uint16Array) {
    const lut = linearTable()
    for (let i = 0; i < count; i++) out[i] = lut[data[start + i]]
  } else {
    const lut = linearTable()
    for (let i = 0; i < count; i++) out[i] = lut[lutIndex(data[start + i])]
  }
}
