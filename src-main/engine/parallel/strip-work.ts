/**
 * One strip of a photo's full-resolution output, computed and encoded in one go: the guided
 * upsample, then the Radiance bytes and the tone-mapped, deflated PNG rows. Pure and synchronous,
 * so worker threads (`strip-worker.ts`) and the calling thread run the very same code.
 */
import { applyRatioRows, type RatioField } from '../imaging/guided-upsample'
import { deflatePngRows, type PngSegment } from '../codecs/png-strip'
import { createRadianceEncoder } from '../codecs/radiance-encoder'
import { toneMapImage } from '../imaging/tonemap'
import type { PixelSource, ToneMapSettings } from '../types'

/** The encoded forms a conversion wants of every strip, besides the float rows themselves. */
export interface StripEncodings {
  /** Radiance RGBE scanlines. */
  rgbe: boolean
  /** Tone-mapped PNG rows, one entry per bit depth (at most one each). */
  png: { bits: 8 | 16; tonemap: ToneMapSettings; level?: number }[]
}

/** A strip's encoded forms, as `StripEncodings` asked for them. */
export interface EncodedStrip {
  rgbe?: Uint8Array
  png: { 8?: PngSegment; 16?: PngSegment }
  /** Milliseconds the computing thread spent on each part. */
  ms: { upsample: number; rgbe: number; png: number }
}

/** Everything a strip needs: the full-resolution input, the fitted ratio field, what to encode. */
export interface StripJob {
  source: PixelSource
  field: RatioField
  encode: StripEncodings
}

/**
 * Computes rows `[y0, y0 + rows)` into `out` and encodes them.
 * @param job Input, ratio field and encodings.
 * @param y0 First row.
 * @param rows Row count.
 * @param out `rows · width · 3` floats: receives linear radiance.
 * @returns The encodings `job.encode` asks for.
 */
export function computeStrip(job: StripJob, y0: number, rows: number, out: Float32Array): EncodedStrip {
  const { width } = job.source
  let started = performance.now()
  applyRatioRows(job.field, job.source, y0, rows, out)
  const encoded: EncodedStrip = { png: {}, ms: { upsample: performance.now() - started, rgbe: 0, png: 0 } }
  started = performance.now()
  // A fresh encoder per strip: strips may be encoded out of order; the file's header is written elsewhere.
  if (job.encode.rgbe) encoded.rgbe = createRadianceEncoder(width, rows).encodeRows(out)
  encoded.ms.rgbe = performance.now() - started
  started = performance.now()
  for (const { bits, tonemap, level } of job.encode.png) {
    encoded.png[bits] = deflatePngRows(
      toneMapImage({ width, height: rows, data: out }, tonemap, bits),
      width,
      bits,
      level
    )
  }
  encoded.ms.png = performance.now() - started
  return encoded
}
