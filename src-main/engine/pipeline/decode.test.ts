import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, describe, expect, it } from 'vitest'
import { gradient, imagePipeline, renderRaw } from '../../../test/helpers/images'
import { decodeImage, decodeSamples } from './decode'
import { expectError } from '../../../test/helpers/errors'

const dir = mkdtempSync(path.join(tmpdir(), 'unclip-decode-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string): string => path.join(dir, name)

/** Largest absolute difference between decoded floats and expected integer samples. */
// Lossless formats must match to float32 rounding (1e-6), far below one 8-bit step (0.004).
const EXACT = 1e-6

function maxError(data: Float32Array, expected: Uint8Array | Uint16Array, max: number): number {
  let worst = 0
  for (let i = 0; i < data.length; i++) worst = Math.max(worst, Math.abs(data[i] - expected[i] / max))
  return worst
}

describe('decodeImage: formats', () => {
  it('reads an 8-bit PNG exactly', async () => {
    await imagePipeline(37, 23).png().toFile(file('a.png'))
    const { image, metadata } = await decodeImage(file('a.png'))
    expect([image.width, image.height, image.data.length]).toEqual([37, 23, 37 * 23 * 3])
    expect(maxError(image.data, renderRaw(37, 23, gradient), 255)).toBeLessThan(EXACT)
    expect(metadata).toMatchObject({ format: 'png', width: 37, height: 23, hadIccProfile: false })
  })

  it('keeps the samples, and makes their float copy once, when first read', async () => {
    const photo = await decodeImage(file('a.png'))
    // A getter, not a value: nothing is made until something reads it.
    expect(Object.getOwnPropertyDescriptor(photo, 'image')?.get).toBeTypeOf('function')
    expect(photo.samples).toMatchObject({ width: 37, height: 23, bits: 8 })
    expect(Array.from(photo.samples.data)).toEqual(Array.from(renderRaw(37, 23, gradient)))
    const first = photo.image
    expect(photo.image).toBe(first)
    expect(Array.from(first.data)).toEqual(Array.from(photo.samples.data, (v) => Math.fround(v * (1 / 255))))
  })

  it('keeps 16-bit precision of a 16-bit PNG', async () => {
    await imagePipeline(300, 5, gradient, 16).png().toFile(file('a16.png'))
    const { image } = await decodeImage(file('a16.png'))
    const expected = renderRaw(300, 5, gradient, 16)
    expect(maxError(image.data, expected, 65535)).toBeLessThan(1e-7)
    // An 8-bit decode could only produce multiples of 1/255.
    const off8bit = Array.from(image.data).filter((v) => Math.abs(v * 255 - Math.round(v * 255)) > 0.01)
    expect(off8bit.length).toBeGreaterThan(image.data.length / 2)
  })

  it('reads JPEG, TIFF, WebP and AVIF', async () => {
    const expected = renderRaw(64, 48, gradient)
    await imagePipeline(64, 48).jpeg({ quality: 95 }).toFile(file('a.jpg'))
    await imagePipeline(64, 48).tiff({ compression: 'lzw' }).toFile(file('a.tif'))
    await imagePipeline(64, 48).webp({ lossless: true }).toFile(file('a.webp'))
    await imagePipeline(64, 48).avif({ quality: 90 }).toFile(file('a.avif'))
    const jpeg = await decodeImage(file('a.jpg'))
    expect(jpeg.metadata.format).toBe('jpeg')
    expect(maxError(jpeg.image.data, expected, 255)).toBeLessThan(0.06)
    expect(maxError((await decodeImage(file('a.tif'))).image.data, expected, 255)).toBeLessThan(EXACT)
    expect(maxError((await decodeImage(file('a.webp'))).image.data, expected, 255)).toBeLessThan(EXACT)
    const avif = await decodeImage(file('a.avif'))
    expect(avif.metadata.format).toBe('heif')
    expect(maxError(avif.image.data, expected, 255)).toBeLessThan(0.08)
  })

  it('makes grayscale RGB', async () => {
    await imagePipeline(16, 16).greyscale().png().toFile(file('grey.png'))
    const { image } = await decodeImage(file('grey.png'))
    for (let i = 0; i < image.data.length; i += 3) {
      expect(image.data[i + 1]).toBe(image.data[i])
      expect(image.data[i + 2]).toBe(image.data[i])
    }
    expect(image.data[image.data.length - 1]).toBeGreaterThan(0.9)
  })

  it('converts CMYK JPEG to sRGB', async () => {
    const orange = (): [number, number, number] => [0.85, 0.4, 0.1]
    await imagePipeline(16, 16, orange).toColourspace('cmyk').jpeg({ quality: 98 }).toFile(file('cmyk.jpg'))
    expect((await sharp(file('cmyk.jpg')).metadata()).space).toBe('cmyk')
    const { image } = await decodeImage(file('cmyk.jpg'))
    const [r, g, b] = image.data.subarray(0, 3)
    // The sRGB→CMYK→sRGB round trip through libvips' built-in CMYK profile moves saturated colours
    // by up to ~0.08 (libvips 8.18); CMYK read as if it were RGB would be off by far more.
    expect(Math.abs(r - 0.85)).toBeLessThan(0.1)
    expect(Math.abs(g - 0.4)).toBeLessThan(0.1)
    expect(Math.abs(b - 0.1)).toBeLessThan(0.1)
  })

  it('flattens alpha onto black', async () => {
    const rgba = new Uint8Array(4 * 4 * 4)
    for (let i = 0; i < 16; i++) rgba.set(i % 4 < 2 ? [255, 255, 255, 0] : [200, 100, 50, 255], 4 * i)
    await sharp(rgba, { raw: { width: 4, height: 4, channels: 4 } })
      .png()
      .toFile(file('alpha.png'))
    const { image } = await decodeImage(file('alpha.png'))
    expect(image.data.length).toBe(4 * 4 * 3)
    expect(Array.from(image.data.subarray(0, 3))).toEqual([0, 0, 0])
    expect(Array.from(image.data.subarray(6, 9)).map((v) => Math.round(v * 255))).toEqual([200, 100, 50])
  })

  it('applies EXIF orientation and keeps the EXIF block', async () => {
    // Stored 40×20, left half red, right half blue; orientation 6 displays it rotated 90° clockwise.
    const leftRed = (x: number): [number, number, number] => (x < 0.5 ? [1, 0, 0] : [0, 0, 1])
    await imagePipeline(40, 20, leftRed)
      .withExif({ IFD0: { Make: 'Acme' } })
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 95 })
      .toFile(file('rot.jpg'))
    const { image, metadata } = await decodeImage(file('rot.jpg'))
    expect([image.width, image.height]).toEqual([20, 40])
    expect([metadata.width, metadata.height]).toEqual([20, 40])
    const pixel = (x: number, y: number): number[] =>
      Array.from(image.data.subarray(3 * (y * 20 + x), 3 * (y * 20 + x) + 3))
    expect(pixel(10, 5)[0]).toBeGreaterThan(0.9)
    expect(pixel(10, 34)[2]).toBeGreaterThan(0.9)
    expect(metadata.exif?.includes('Acme')).toBe(true)
  })

  it('converts an embedded Display P3 profile to sRGB', async () => {
    const red = (): [number, number, number] => [1, 0, 0]
    await imagePipeline(8, 8, red).withIccProfile('p3').png().toFile(file('p3.png'))
    const stored = await sharp(file('p3.png'), { ignoreIcc: true }).raw().toBuffer()
    // The file holds P3 coordinates of sRGB red, visibly different from (255, 0, 0)...
    expect(stored[1]).toBeGreaterThan(30)
    const { image, metadata } = await decodeImage(file('p3.png'))
    // ...and decoding brings it back.
    expect(metadata.hadIccProfile).toBe(true)
    expect(image.data[0]).toBeGreaterThan(0.97)
    expect(image.data[1]).toBeLessThan(0.03)
    expect(image.data[2]).toBeLessThan(0.03)
  })

  it('takes the first frame of an animated GIF and the first page of a TIFF', async () => {
    const frames = [
      [255, 0, 0],
      [0, 0, 255]
    ].map((c) =>
      sharp({ create: { width: 6, height: 4, channels: 3, background: { r: c[0], g: c[1], b: c[2] } } })
        .png()
        .toBuffer()
    )
    const [first, second] = await Promise.all(frames)
    await sharp([first, second], { join: { animated: true } })
      .gif()
      .toFile(file('anim.gif'))
    await sharp([first, second], { join: { animated: true } })
      .tiff()
      .toFile(file('pages.tif'))
    for (const name of ['anim.gif', 'pages.tif']) {
      expect((await sharp(file(name)).metadata()).pages).toBe(2)
      const { image } = await decodeImage(file(name))
      expect([image.width, image.height]).toEqual([6, 4])
      expect(image.data[0]).toBeGreaterThan(0.95)
      expect(image.data[2]).toBeLessThan(0.05)
    }
  })

  it('reads a 1×1 image', async () => {
    await sharp({ create: { width: 1, height: 1, channels: 3, background: { r: 10, g: 20, b: 30 } } })
      .png()
      .toFile(file('one.png'))
    const { image } = await decodeImage(file('one.png'))
    expect(Array.from(image.data).map((v) => Math.round(v * 255))).toEqual([10, 20, 30])
  })
})

describe('decodeSamples: reduced copy and shared memory', () => {
  it('decodes the reduced copy the caller asks for, after orientation, beside the same samples', async () => {
    const leftRed = (x: number): [number, number, number] => (x < 0.5 ? [1, 0, 0] : [0, 0, 1])
    await imagePipeline(400, 200, leftRed)
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 95 })
      .toFile(file('rot-big.jpg'))
    const asked: number[][] = []
    const plain = await decodeSamples(file('rot-big.jpg'))
    const both = await decodeSamples(file('rot-big.jpg'), {
      reducedSize: (w, h) => {
        asked.push([w, h])
        return { width: 50, height: 100 }
      },
      shared: true
    })
    expect(asked).toEqual([[200, 400]])
    expect(plain.reduced).toBeUndefined()
    expect(both.samples.data.buffer).toBeInstanceOf(SharedArrayBuffer)
    expect(Buffer.compare(Buffer.from(both.samples.data), Buffer.from(plain.samples.data))).toBe(0)
    const reduced = both.reduced!
    expect([reduced.width, reduced.height]).toEqual([50, 100])
    const at = (x: number, y: number): number[] =>
      Array.from(reduced.data.subarray(3 * (y * 50 + x), 3 * (y * 50 + x) + 3))
    expect(at(25, 10)[0]).toBeGreaterThan(0.9)
    expect(at(25, 90)[2]).toBeGreaterThan(0.9)
  })

  it('keeps 16 bits in shared samples and the reduced copy', async () => {
    const raw = renderRaw(64, 32, gradient, 16)
    await sharp(raw, { raw: { width: 64, height: 32, channels: 3 } })
      .toColourspace('rgb16')
      .png()
      .toFile(file('g16-shared.png'))
    const { samples, reduced } = await decodeSamples(file('g16-shared.png'), {
      reducedSize: () => ({ width: 16, height: 8 }),
      shared: true
    })
    expect(samples.bits).toBe(16)
    expect(samples.data).toBeInstanceOf(Uint16Array)
    expect(samples.data.buffer).toBeInstanceOf(SharedArrayBuffer)
    expect(Array.from(samples.data)).toEqual(Array.from(raw))
    expect(reduced?.data.some((v) => Math.round(v * 65535) % 257 !== 0)).toBe(true)
  })
})

describe('decodeImage: errors', () => {
  it('FILE_NOT_FOUND', async () => {
    await expectError(decodeImage(file('missing.jpg')), 'FILE_NOT_FOUND', `File not found: ${file('missing.jpg')}`)
  })

  it('NOT_AN_IMAGE for text, random bytes and folders', async () => {
    writeFileSync(file('notes.jpg'), 'shopping list: milk, eggs\n')
    writeFileSync(file('noise.bin'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)))
    for (const name of ['notes.jpg', 'noise.bin']) {
      await expectError(
        decodeImage(file(name)),
        'NOT_AN_IMAGE',
        `Not an image, or a format Unclip cannot read: ${file(name)}`
      )
    }
    await expectError(decodeImage(dir), 'NOT_AN_IMAGE', `Not an image, or a format Unclip cannot read: ${dir}`)
  })

  it('CORRUPT_IMAGE for truncated JPEG and PNG', async () => {
    await imagePipeline(256, 256).jpeg().toFile(file('full.jpg'))
    await imagePipeline(256, 256).png().toFile(file('full.png'))
    for (const name of ['full.jpg', 'full.png']) {
      const bytes = readFileSync(file(name))
      const cut = file(`cut-${name}`)
      writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)))
      await expectError(decodeImage(cut), 'CORRUPT_IMAGE', `Image is corrupt or truncated: ${cut}`)
    }
  })

  it('UNSUPPORTED_FORMAT for SVG, PDF, Radiance and camera raw', async () => {
    writeFileSync(
      file('art.svg'),
      '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'
    )
    writeFileSync(file('doc.pdf'), '%PDF-1.7\n1 0 obj\n<<>>\nendobj\n')
    writeFileSync(file('done.hdr'), '#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 1 +X 1\n\x80\x80\x80\x81')
    await imagePipeline(8, 8).tiff().toFile(file('shot.nef'))
    await expectError(
      decodeImage(file('art.svg')),
      'UNSUPPORTED_FORMAT',
      `Unsupported format: ${file('art.svg')} is an SVG vector image (convert it to JPEG, PNG or TIFF first)`
    )
    await expectError(
      decodeImage(file('doc.pdf')),
      'UNSUPPORTED_FORMAT',
      `Unsupported format: ${file('doc.pdf')} is a PDF document (convert it to JPEG, PNG or TIFF first)`
    )
    await expectError(
      decodeImage(file('done.hdr')),
      'UNSUPPORTED_FORMAT',
      `Unsupported format: ${file('done.hdr')} is already an HDR (Radiance) image (convert it to JPEG, PNG or TIFF first)`
    )
    await expectError(
      decodeImage(file('shot.nef')),
      'UNSUPPORTED_FORMAT',
      `Camera raw files are not supported: ${file('shot.nef')} (export it as a 16-bit TIFF or PNG first)`
    )
  })

  // ImageMagick (with libheif + x265) is the only HEVC encoder around; sharp's own build cannot write one.
  it.skipIf(!existsSync('/usr/bin/convert'))(
    'UNSUPPORTED_FORMAT for HEIC (HEVC), which this sharp cannot decode',
    async () => {
      execFileSync('/usr/bin/convert', ['-size', '32x32', 'gradient:red-blue', file('phone.heic')])
      expect((await sharp(file('phone.heic')).metadata()).compression).toBe('hevc')
      await expectError(
        decodeImage(file('phone.heic')),
        'UNSUPPORTED_FORMAT',
        `Unsupported format: ${file('phone.heic')} is HEIC (HEVC); this build reads AVIF but not HEVC (convert it to JPEG first)`
      )
    }
  )

  it('TOO_LARGE before decoding', async () => {
    await imagePipeline(300, 200).jpeg().toFile(file('big.jpg'))
    await expectError(
      decodeImage(file('big.jpg'), { maxPixels: 50_000 }),
      'TOO_LARGE',
      `Image is too large: ${file('big.jpg')} is 300×200 (0.1 MP); the limit is 0.1 MP`
    )
    expect(existsSync(file('big.jpg'))).toBe(true)
  })
})
