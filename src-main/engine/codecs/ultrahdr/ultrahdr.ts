/**
 * Ultra HDR (gain-map JPEG) export: an sRGB SDR JPEG any viewer shows, plus a gain map that HDR
 * displays apply to recover the HDR rendition.
 *
 * The container (primary XMP with the Container directory, gain-map XMP with the hdrgm: values,
 * ISO 21496-1 APP2 segments and the CIPA DC-007 MPF APP2 index with both images' sizes and
 * offsets) is written by `@monogrid/gainmap-js/libultrahdr`, a pure-JS port of Google's
 * libultrahdr assembler that runs in plain Node (no WebGL, no three.js at run time). The gain map
 * itself is computed here (`gain-map.ts`) because that package computes it on the GPU.
 */
import { encodeJPEGMetadata } from '@monogrid/gainmap-js/libultrahdr'
import sharp from 'sharp'
import { UnclipError } from '../../errors'
import { insertExifIntoJpeg } from '../exif'
import { DEFAULT_TONEMAP, toneMapImage } from '../../imaging/tonemap'
import type { RgbImage } from '../../types'
import { computeGainMap } from './gain-map'

/** Options for `encodeUltraHdr`. */
export interface UltraHdrOptions {
  /** Tone-mapped sRGB 8-bit RGB of the same size; `toneMapImage(hdr, DEFAULT_TONEMAP, 8)` when omitted. */
  sdr?: Uint8Array
  /** JPEG quality 1–100 for both the SDR image and the gain map; default 95. */
  quality?: number
  /** Gain-map downscale: each side is the image's divided by this, integer ≥ 1; default 4. */
  gainMapScale?: number
  /** Prepared EXIF (`prepareExif`'s result) for the primary image. */
  exif?: Buffer
  /** Caps the stored boost (linear, > 1); default: the image's own maximum. */
  maxContentBoost?: number
}

export const DEFAULT_ULTRAHDR_QUALITY = 95
export const DEFAULT_GAIN_MAP_SCALE = 4

/**
 * Encodes an HDR image as an Ultra HDR v1 JPEG (SDR base + gain map, hdrgm XMP, ISO 21496-1, MPF).
 * @param hdr Linear radiance, SDR white = 1.
 * @param options See `UltraHdrOptions`.
 * @returns The complete JPEG file.
 * @throws UnclipError `INVALID_ARGUMENT` for a wrong-sized `sdr`, a quality outside 1–100, a bad
 *   `gainMapScale` or `maxContentBoost`, or EXIF too large for one APP1 segment.
 * @example
 * const jpeg = await encodeUltraHdr(hdr, { exif: prepareExif(metadata.exif, { keepGps: false }) })
 * await writeFile('photo.jpg', jpeg)
 */
export async function encodeUltraHdr(hdr: RgbImage, options: UltraHdrOptions = {}): Promise<Buffer> {
  const quality = options.quality ?? DEFAULT_ULTRAHDR_QUALITY
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw new UnclipError(
      'INVALID_ARGUMENT',
      `Expected integer between 1 and 100 for quality but received ${String(quality)}`
    )
  }
  const sdr = options.sdr ?? (toneMapImage(hdr, DEFAULT_TONEMAP, 8) as Uint8Array)
  if (sdr.length !== hdr.width * hdr.height * 3) {
    throw new UnclipError(
      'INVALID_ARGUMENT',
      `Expected ${hdr.width}×${hdr.height}×3 = ${hdr.width * hdr.height * 3} SDR samples but received ${sdr.length}`
    )
  }
  const sdrJpeg = await sharp(sdr, { raw: { width: hdr.width, height: hdr.height, channels: 3 } })
    .withIccProfile('srgb')
    .jpeg({ quality, chromaSubsampling: '4:4:4' })
    .toBuffer()
  // The map is computed against the base as decoders will see it, so it also corrects the base's
  // JPEG error (to the map's resolution).
  const decodedSdr = await sharp(sdrJpeg).raw().toBuffer()
  const map = computeGainMap(hdr, decodedSdr, {
    scale: options.gainMapScale ?? DEFAULT_GAIN_MAP_SCALE,
    maxContentBoost: options.maxContentBoost
  })
  // One channel stays one channel (a single-channel map per the spec); sharp would otherwise expand to sRGB.
  const mapJpeg = await sharp(map.data, { raw: { width: map.width, height: map.height, channels: 1 } })
    .toColourspace('b-w')
    .jpeg({ quality, chromaSubsampling: '4:4:4' })
    .toBuffer()
  // The assembler moves an EXIF segment found in the base JPEG to the front of the file.
  const base = options.exif ? insertExifIntoJpeg(sdrJpeg, options.exif) : sdrJpeg

  const p = map.params
  const triple = (v: number): [number, number, number] => [v, v, v]
  const file = encodeJPEGMetadata({
    sdr: { data: toArrayBufferView(base), mimeType: 'image/jpeg', width: hdr.width, height: hdr.height },
    gainMap: { data: toArrayBufferView(mapJpeg), mimeType: 'image/jpeg', width: map.width, height: map.height },
    gainMapMin: triple(p.gainMapMin),
    gainMapMax: triple(p.gainMapMax),
    gamma: triple(p.gamma),
    offsetSdr: triple(p.offsetSdr),
    offsetHdr: triple(p.offsetHdr),
    hdrCapacityMin: p.hdrCapacityMin,
    hdrCapacityMax: p.hdrCapacityMax
  })
  return Buffer.from(file.buffer, file.byteOffset, file.byteLength)
}

/** A copy on its own ArrayBuffer: the assembler's types want `Uint8Array<ArrayBuffer>`, not a pooled Buffer. */
function toArrayBufferView(buffer: Buffer): Uint8Array<ArrayBuffer> {
  const copy = new Uint8Array(buffer.length)
  copy.set(buffer)
  return copy
}
