/**
 * A strip-parallel PNG encoder. Each strip of rows is filtered here and deflated on libuv's thread
 * pool while the caller goes on computing the next strip (or filtered and deflated on a worker
 * thread by `deflatePngRows` and handed over with `addSegment`), so PNG compression overlaps the
 * upsampling instead of running after it.
 *
 * Strips are compressed as independent raw-deflate segments ending in a sync flush; concatenated,
 * closed by an empty final block and wrapped in a zlib header and the Adler-32 of all the filtered
 * bytes, they form one valid zlib stream for the IDAT chunks (RFC 1950/1951).
 */
import { promisify } from 'node:util'
import zlib from 'node:zlib'
import sharp from 'sharp'
import {
  adler32Combine,
  adler32Update,
  DEFAULT_PNG_LEVEL,
  filterRows,
  pngDeflateOptions,
  type PngSegment
} from './png-strip'
import { pngChunk, pngChunks, PNG_SIGNATURE } from './png-chunks'
import { stripExifHeader } from './tiff-ifd'

export { DEFAULT_PNG_LEVEL, deflatePngRows, type PngSegment } from './png-strip'

const deflateRaw = promisify(zlib.deflateRaw)

/** zlib header for deflate with a 32 KiB window (0x78) and the default-level flag (0x9c). */
const ZLIB_HEADER = Buffer.from([0x78, 0x9c])
/** An empty, final, fixed-Huffman deflate block: ends the stream after the sync-flushed segments. */
const FINAL_EMPTY_BLOCK = Buffer.from([0x03, 0x00])
/** IDAT payloads are split at this size; any size is valid, this keeps chunks readable by every tool. */
const IDAT_MAX = 1 << 20

export interface PngEncoderOptions {
  /** zlib level 0–9 (default `DEFAULT_PNG_LEVEL`). */
  level?: number
  /** Raw ICC profile bytes for an iCCP chunk. */
  iccProfile?: { name: string; compressed: Buffer }
  /** EXIF for an eXIf chunk: `Exif\0\0` + TIFF or bare TIFF (e.g. `prepareExif`'s result); stored bare, as PNG requires. */
  exif?: Buffer
}

export interface PngEncoder {
  /** Queues the next strip of full-width rows (interleaved RGB, 8- or 16-bit samples). */
  addRows(rows: Uint8Array | Uint16Array): void
  /** Appends the next strip already made by `deflatePngRows` with this encoder's width, depth and level. */
  addSegment(segment: PngSegment): void
  /** Waits for every strip's compression and returns the PNG file bytes. */
  finish(): Promise<Buffer>
}

/**
 * Starts an RGB PNG whose rows arrive in strips, top to bottom.
 * @param width Image width in pixels, ≥ 1.
 * @param height Image height in pixels, ≥ 1.
 * @param bitDepth 8 or 16 bits per sample.
 * @param options Compression level, ICC profile and EXIF.
 * @returns The encoder.
 * @example
 * const png = createPngEncoder(w, h, 8, { iccProfile: await srgbIccProfile() })
 * png.addRows(strip) // ...for each strip
 * await writeFile(file, await png.finish())
 */
export function createPngEncoder(
  width: number,
  height: number,
  bitDepth: 8 | 16,
  options: PngEncoderOptions = {}
): PngEncoder {
  const level = options.level ?? DEFAULT_PNG_LEVEL
  const bytesPerPixel = bitDepth === 8 ? 3 : 6
  const rowBytes = width * bytesPerPixel
  const segments: Promise<Uint8Array>[] = []
  let adlerA = 1
  let adlerB = 0
  let rowsSeen = 0
  const expectRows = (rowCount: number): void => {
    if (!Number.isInteger(rowCount) || rowsSeen + rowCount > height) {
      throw new RangeError(`Expected whole rows of ${width} RGB pixels within ${height} rows`)
    }
    rowsSeen += rowCount
  }

  return {
    addRows(rows) {
      const rowCount = rows.length / (width * 3)
      expectRows(rowCount)
      const filtered = filterRows(rows, rowCount, rowBytes, bytesPerPixel)
      ;[adlerA, adlerB] = adler32Update(adlerA, adlerB, filtered)
      segments.push(deflateRaw(filtered, pngDeflateOptions(level)))
    },
    addSegment(segment) {
      if (segment.length !== segment.rows * (rowBytes + 1)) {
        throw new RangeError(
          `Expected a segment of ${segment.rows} rows of ${rowBytes + 1} filtered bytes but it holds ${segment.length}`
        )
      }
      expectRows(segment.rows)
      ;[adlerA, adlerB] = adler32Combine(adlerA, adlerB, segment)
      segments.push(Promise.resolve(segment.deflated))
    },
    async finish() {
      if (rowsSeen !== height) throw new RangeError(`Expected ${height} rows but received ${rowsSeen}`)
      const adler = Buffer.alloc(4)
      adler.writeUInt32BE(((adlerB << 16) | adlerA) >>> 0)
      const stream = Buffer.concat([ZLIB_HEADER, ...(await Promise.all(segments)), FINAL_EMPTY_BLOCK, adler])
      const header = Buffer.alloc(13)
      header.writeUInt32BE(width, 0)
      header.writeUInt32BE(height, 4)
      header.writeUInt8(bitDepth, 8)
      header.writeUInt8(2, 9) // colour type: truecolour RGB
      const parts = [PNG_SIGNATURE, pngChunk('IHDR', header)]
      if (options.iccProfile) {
        const { name, compressed } = options.iccProfile
        parts.push(pngChunk('iCCP', Buffer.concat([Buffer.from(name, 'latin1'), Buffer.from([0, 0]), compressed])))
      }
      if (options.exif) parts.push(pngChunk('eXIf', stripExifHeader(options.exif)))
      for (let at = 0; at < stream.length; at += IDAT_MAX)
        parts.push(pngChunk('IDAT', stream.subarray(at, at + IDAT_MAX)))
      parts.push(pngChunk('IEND', Buffer.alloc(0)))
      return Buffer.concat(parts)
    }
  }
}

let srgbProfile: Promise<{ name: string; compressed: Buffer }> | undefined

/**
 * The sRGB ICC profile libvips ships, as the compressed payload of a PNG iCCP chunk (taken once
 * from a 1×1 PNG sharp writes, so the profile is exactly the one sharp's own outputs carry).
 * @returns Profile name and zlib-compressed bytes.
 */
export function srgbIccProfile(): Promise<{ name: string; compressed: Buffer }> {
  srgbProfile ??= sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
    .withIccProfile('srgb')
    .png()
    .toBuffer()
    .then((png) => {
      for (const { type, data } of pngChunks(png)) {
        if (type !== 'iCCP') continue
        const nul = data.indexOf(0)
        return { name: data.toString('latin1', 0, nul), compressed: Buffer.from(data.subarray(nul + 2)) }
      }
      throw new Error('sharp wrote no iCCP chunk for the sRGB profile')
    })
  return srgbProfile
}
