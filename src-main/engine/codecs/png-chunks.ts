/**
 * PNG's container: the signature and length-type-data-CRC chunks, built and walked in one place
 * for the encoder and the EXIF splice.
 */
import { crc32 } from 'node:zlib'

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** One chunk of a PNG file: its type, where it lies (`start` at its length field) and its data. */
export interface PngChunk {
  type: string
  start: number
  end: number
  data: Buffer
}

/**
 * Builds a chunk.
 * @param type Four-letter chunk type.
 * @param data Chunk data.
 * @returns Length, type, data and CRC-32.
 */
export function pngChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'latin1')
  data.copy(out, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}

/**
 * The chunks of a PNG file after its signature, in order, up to the first that does not fit.
 * @param png A PNG file (the signature is not checked).
 * @returns The chunks; CRCs are not checked.
 */
export function* pngChunks(png: Buffer): Generator<PngChunk> {
  for (let start = 8; start + 12 <= png.length;) {
    const length = png.readUInt32BE(start)
    const end = start + 12 + length
    if (end > png.length) return
    yield { type: png.toString('latin1', start + 4, start + 8), start, end, data: png.subarray(start + 8, end - 4) }
    start = end
  }
}
