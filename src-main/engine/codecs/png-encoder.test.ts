import { execFileSync } from 'node:child_process'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { prepareExif } from './exif'
import { createPngEncoder, deflatePngRows, srgbIccProfile } from './png-encoder'
import { hasTool } from '../../../test/helpers/tools'

function photoLike(width: number, height: number, max: number, seed: number): Uint16Array {
  let s = seed
  const noise = (): number => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.02
  const data = new Uint16Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 3 * (y * width + x)
      data[i] = Math.round(max * Math.min(1, Math.max(0, x / width + noise())))
      data[i + 1] = Math.round(max * Math.min(1, Math.max(0, y / height + noise())))
      data[i + 2] = Math.round(max * Math.min(1, Math.max(0, 0.5 + 0.5 * Math.sin((x + y) / 9) + noise())))
    }
  }
  return data
}

async function encodeInStrips(
  samples: Uint8Array | Uint16Array,
  width: number,
  height: number,
  bits: 8 | 16,
  stripRows: number[]
): Promise<Buffer> {
  const encoder = createPngEncoder(width, height, bits, { iccProfile: await srgbIccProfile() })
  let row = 0
  for (const rows of stripRows) {
    encoder.addRows(samples.subarray(row * width * 3, (row + rows) * width * 3))
    row += rows
  }
  return encoder.finish()
}

describe('createPngEncoder', () => {
  it('writes 8-bit RGB that decodes to exactly the input, whatever the strip split', async () => {
    const [width, height] = [97, 61]
    const samples = Uint8Array.from(photoLike(width, height, 255, 7))
    for (const split of [[61], [1, 60], [20, 20, 21], Array(61).fill(1)]) {
      const png = await encodeInStrips(samples, width, height, 8, split)
      const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true })
      expect([info.width, info.height, info.channels]).toEqual([width, height, 3])
      expect(Buffer.compare(data, Buffer.from(samples))).toBe(0)
    }
  })

  it('writes 16-bit RGB that decodes to exactly the input', async () => {
    const [width, height] = [45, 33]
    const samples = photoLike(width, height, 65535, 3)
    const png = await encodeInStrips(samples, width, height, 16, [10, 23])
    const { data, info } = await sharp(png, { ignoreIcc: true })
      .toColourspace('rgb16')
      .raw({ depth: 'ushort' })
      .toBuffer({ resolveWithObject: true })
    expect(data.length).toBe(info.width * info.height * 3 * 2)
    expect(Array.from(new Uint16Array(data.buffer, data.byteOffset, data.length / 2))).toEqual(Array.from(samples))
  })

  it('embeds the sRGB ICC profile and compresses a smooth image well', async () => {
    const [width, height] = [256, 128]
    const samples = Uint8Array.from(photoLike(width, height, 255, 1))
    const png = await encodeInStrips(samples, width, height, 8, [64, 64])
    const meta = await sharp(png).metadata()
    expect(meta.icc?.length).toBeGreaterThan(100)
    expect(png.length).toBeLessThan(samples.length * 0.8)
  })

  it('refuses rows beyond the declared height and a short image', async () => {
    const encoder = createPngEncoder(2, 2, 8)
    expect(() => encoder.addRows(new Uint8Array(18))).toThrow('Expected whole rows of 2 RGB pixels within 2 rows')
    encoder.addRows(new Uint8Array(6))
    await expect(encoder.finish()).rejects.toThrow('Expected 2 rows but received 1')
  })

  it('gives the same file from segments deflated elsewhere as from rows, Adler-32 combined across them', async () => {
    const [width, height] = [301, 250]
    for (const bits of [8, 16] as const) {
      const samples =
        bits === 8 ? Uint8Array.from(photoLike(width, height, 255, 5)) : photoLike(width, height, 65535, 5)
      const split = [1, 99, 17, 133]
      const fromRows = await encodeInStrips(samples, width, height, bits, split)
      const encoder = createPngEncoder(width, height, bits, { iccProfile: await srgbIccProfile() })
      let row = 0
      for (const rows of split) {
        encoder.addSegment(deflatePngRows(samples.subarray(row * width * 3, (row + rows) * width * 3), width, bits))
        row += rows
      }
      const fromSegments = await encoder.finish()
      expect(Buffer.compare(fromSegments, fromRows)).toBe(0)
      // zlib verifies the Adler-32 trailer when inflating, so a decode proves the combined sum.
      expect((await sharp(fromSegments).metadata()).height).toBe(height)
      await sharp(fromSegments).raw().toBuffer()
    }
  })

  it('refuses a segment of another width', () => {
    const encoder = createPngEncoder(4, 2, 8)
    expect(() => encoder.addSegment(deflatePngRows(new Uint8Array(3 * 3 * 2), 3, 8))).toThrow(
      'Expected a segment of 2 rows of 13 filtered bytes but it holds 20'
    )
  })

  it('stores EXIF in an eXIf chunk before the image data, as sharp and exiftool read it', async () => {
    const jpeg = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#808080' } })
      .withExif({ IFD0: { Make: 'Acme', Model: 'Cam 1' } })
      .jpeg()
      .toBuffer()
    const exif = prepareExif((await sharp(jpeg).metadata()).exif, { keepGps: false })!
    const [width, height] = [31, 7]
    const samples = Uint8Array.from(photoLike(width, height, 255, 9))
    const encoder = createPngEncoder(width, height, 8, { iccProfile: await srgbIccProfile(), exif })
    encoder.addRows(samples)
    const png = await encoder.finish()
    expect((await sharp(png).metadata()).exif?.toString('latin1')).toContain('Cam 1')
    expect(png.indexOf('iCCP')).toBeLessThan(png.indexOf('eXIf'))
    expect(png.indexOf('eXIf')).toBeLessThan(png.indexOf('IDAT'))
    // The rest of the file is what the encoder writes without EXIF.
    const plain = await encodeInStrips(samples, width, height, 8, [height])
    expect(png.length).toBe(plain.length + 12 + exif.length - 6)
    if (hasTool('exiftool', ['-ver'])) {
      const info = JSON.parse(execFileSync('exiftool', ['-j', '-G1', '-'], { input: png }).toString())[0]
      expect(info).toMatchObject({ 'IFD0:Make': 'Acme', 'IFD0:Model': 'Cam 1' })
      expect(info['ExifTool:Warning']).toBeUndefined()
    }
  })
})
