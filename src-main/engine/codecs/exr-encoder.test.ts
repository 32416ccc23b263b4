import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inflateSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { pythonSkipReason, runPython } from '../../../test/helpers/python'
import { UnclipError } from '../errors'
import { encodeExr } from './exr-encoder'
import { floatToHalf, halfToFloat } from './half-float'
import type { RgbImage } from '../types'

const tmp = mkdtempSync(join(tmpdir(), 'unclip-exr-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** Smooth gradients over ~20 stops plus some out-of-range values, deterministic. */
function testImage(width: number, height: number, seed = 1): RgbImage {
  const data = new Float32Array(width * height * 3)
  for (let i = 0; i < data.length; i++) {
    const p = Math.floor(i / 3)
    data[i] = 2 ** (((p % width) / width) * 20 - 10 + (i % 3)) * (1 + ((p * seed) % 17) / 17)
  }
  data[0] = 1e6
  data[1] = 0
  return { width, height, data }
}

/** What the file should hold: each value rounded to half. */
function halfQuantised(data: Float32Array): Float32Array {
  return data.map((v) => halfToFloat(floatToHalf(v)))
}

/**
 * A reader for exactly the subset we write (test oracle independent of external tools): returns
 * attributes as raw buffers and the pixels as interleaved RGB.
 */
function readBack(file: Buffer): {
  attributes: Map<string, { type: string; value: Buffer }>
  image: RgbImage
  chunkSizes: number[]
} {
  expect(file.readInt32LE(0)).toBe(20000630)
  expect(file.readInt32LE(4)).toBe(2)
  let pos = 8
  const attributes = new Map<string, { type: string; value: Buffer }>()
  const cstring = () => {
    const end = file.indexOf(0, pos)
    const text = file.toString('utf8', pos, end)
    pos = end + 1
    return text
  }
  for (let name = cstring(); name !== ''; name = cstring()) {
    const type = cstring()
    const size = file.readInt32LE(pos)
    attributes.set(name, { type, value: file.subarray(pos + 4, pos + 4 + size) })
    pos += 4 + size
  }
  const window = attributes.get('dataWindow')!.value
  const width = window.readInt32LE(8) + 1
  const height = window.readInt32LE(12) + 1
  const zip = attributes.get('compression')!.value[0] === 3
  const lines = zip ? 16 : 1
  const data = new Float32Array(width * height * 3)
  const chunkSizes: number[] = []
  for (let c = 0; c < Math.ceil(height / lines); c++) {
    const offset = Number(file.readBigUInt64LE(pos + c * 8))
    const y0 = file.readInt32LE(offset)
    const size = file.readInt32LE(offset + 4)
    chunkSizes.push(size)
    const rows = Math.min(lines, height - y0)
    let block = file.subarray(offset + 8, offset + 8 + size)
    if (zip && size < rows * width * 6) {
      const t = Buffer.from(inflateSync(block))
      for (let i = 1; i < t.length; i++) t[i] = (t[i - 1] + t[i] - 128) & 0xff
      block = Buffer.alloc(t.length)
      for (let i = 0; i < t.length; i++) block[i] = t[i % 2 === 0 ? i / 2 : ((t.length + 1) / 2 + (i - 1) / 2) | 0]
    }
    expect(block.length).toBe(rows * width * 6)
    for (let r = 0; r < rows; r++) {
      for (const [k, channel] of [2, 1, 0].entries()) {
        for (let x = 0; x < width; x++)
          data[((y0 + r) * width + x) * 3 + channel] = halfToFloat(block.readUInt16LE(((r * 3 + k) * width + x) * 2))
      }
    }
  }
  return { attributes, image: { width, height, data }, chunkSizes }
}

describe('encodeExr', () => {
  it.each([
    ['zip', 37, 21],
    ['zip', 1, 1],
    ['zip', 64, 32],
    ['zip', 5, 17],
    ['none', 37, 21],
    ['none', 1, 1]
  ] as const)('%s %i×%i stores every value rounded to half', (compression, width, height) => {
    const image = testImage(width, height)
    const { attributes, image: back } = readBack(encodeExr(image, { compression }))
    expect([back.width, back.height]).toEqual([width, height])
    expect(back.data).toEqual(halfQuantised(image.data))
    expect(attributes.get('compression')!.value[0]).toBe(compression === 'zip' ? 3 : 0)
  })

  it('writes the standard attributes sorted, channels B, G, R as half', () => {
    const { attributes } = readBack(encodeExr(testImage(3, 2), { attributes: { software: 'Unclip' } }))
    expect([...attributes.keys()]).toEqual([
      'channels',
      'compression',
      'dataWindow',
      'displayWindow',
      'lineOrder',
      'pixelAspectRatio',
      'screenWindowCenter',
      'screenWindowWidth',
      'software'
    ])
    const channels = attributes.get('channels')!
    expect(channels.type).toBe('chlist')
    expect(channels.value.toString('latin1').match(/[BGR]\0/g)).toEqual(['B\0', 'G\0', 'R\0'])
    expect(channels.value.readInt32LE(2)).toBe(1)
    expect(attributes.get('software')).toEqual({ type: 'string', value: Buffer.from('Unclip') })
  })

  it('compresses smooth images with ZIP and stores a block raw when ZIP cannot shrink it', () => {
    const smooth = { width: 200, height: 40, data: new Float32Array(24000).fill(0.5) }
    expect(encodeExr(smooth).length).toBeLessThan(encodeExr(smooth, { compression: 'none' }).length / 10)
    // zlib's own framing is 6 bytes, so a 1×1 block (6 bytes) can never shrink.
    const tiny = readBack(encodeExr({ width: 1, height: 1, data: Float32Array.from([1, 2, 3]) }))
    expect(tiny.chunkSizes).toEqual([6])
    expect(Array.from(tiny.image.data)).toEqual([1, 2, 3])
  })

  it('rejects bad input with exact messages', () => {
    const img = testImage(2, 2)
    const err = (m: string) => new UnclipError('INVALID_ARGUMENT', m)
    expect(() => encodeExr({ width: 0, height: 2, data: new Float32Array(0) })).toThrow(
      err('Expected positive integer width and height but received 0×2')
    )
    expect(() => encodeExr({ width: 2, height: 2, data: new Float32Array(5) })).toThrow(
      err('Expected 2×2×3 = 12 samples but received 5')
    )
    expect(() => encodeExr(img, { compression: 'piz' as 'zip' })).toThrow(
      err("Expected EXR compression 'zip' or 'none' but received 'piz'")
    )
    expect(() => encodeExr(img, { attributes: { lineOrder: 'x' } })).toThrow(
      err("EXR attribute 'lineOrder' is written by Unclip and cannot be overridden")
    )
    expect(() => encodeExr(img, { attributes: { ['x'.repeat(32)]: 'y' } })).toThrow(
      err(`Expected EXR attribute name of 1 to 31 bytes without null characters but received '${'x'.repeat(32)}'`)
    )
  })
})

const image = testImage(37, 21, 5)
const files = { zip: join(tmp, 'zip.exr'), none: join(tmp, 'none.exr') }
writeFileSync(files.zip, encodeExr(image, { attributes: { software: 'Unclip test', comments: 'grüße' } }))
writeFileSync(files.none, encodeExr(image, { compression: 'none' }))

const cv2Missing = pythonSkipReason(['cv2', 'numpy'])
describe.skipIf(cv2Missing !== null)(`OpenCV reads our EXR${cv2Missing ? ` (skipped: ${cv2Missing})` : ''}`, () => {
  it.each(['zip', 'none'] as const)('%s: values match the input to half precision', (compression) => {
    const out = runPython(
      'import sys, numpy as np, cv2\n' +
        'img = cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED)\n' +
        'assert img is not None, "cv2 could not read the file"\n' +
        'sys.stdout.write(np.ascontiguousarray(img[:, :, ::-1], np.float32).tobytes().hex())',
      { args: [files[compression]], env: { OPENCV_IO_ENABLE_OPENEXR: '1' } }
    )
    expect(new Float32Array(Buffer.from(out, 'hex').buffer)).toEqual(halfQuantised(image.data))
  })

  it('reads a ZIP block stored raw because it could not shrink', () => {
    const tiny = join(tmp, 'tiny.exr')
    writeFileSync(tiny, encodeExr({ width: 1, height: 1, data: Float32Array.from([0.25, 8, 300]) }))
    const out = runPython(
      'import sys, cv2\nprint(cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED)[0, 0, ::-1].tolist())',
      { args: [tiny], env: { OPENCV_IO_ENABLE_OPENEXR: '1' } }
    )
    expect(JSON.parse(out)).toEqual([0.25, 8, 300])
  })
})

const convert = '/usr/bin/convert'
describe.skipIf(!existsSync(convert))(
  `ImageMagick reads our EXR${existsSync(convert) ? '' : ` (skipped: ${convert} not found)`}`,
  () => {
    it.each(['zip', 'none'] as const)('%s: 16-bit values within one step of the half values', (compression) => {
      // This ImageMagick is Q16 without HDRI, so it clamps to [0,1]; compare after clamping.
      const text = spawnSync(convert, [files[compression], '-depth', '16', 'txt:-'], { encoding: 'utf8' }).stdout
      const rows = text.split('\n').filter((line) => /^\d+,\d+:/.test(line))
      expect(rows).toHaveLength(37 * 21)
      const expected = halfQuantised(image.data)
      for (const row of rows) {
        const [, x, y, ...rgb] = /^(\d+),(\d+): \((\d+),(\d+),(\d+)/.exec(row)!.map(Number)
        rgb.forEach((v, c) =>
          expect(Math.abs(v - Math.min(1, expected[(y * 37 + x) * 3 + c]) * 65535)).toBeLessThanOrEqual(1)
        )
      }
    })
  }
)

const exrheader = '/usr/bin/exrheader'
describe.skipIf(!existsSync(exrheader))(
  `exrheader lists our attributes${existsSync(exrheader) ? '' : ` (skipped: ${exrheader} not found)`}`,
  () => {
    it('shows the standard and extra attributes', () => {
      const result = spawnSync(exrheader, [files.zip], { encoding: 'utf8' })
      expect(result.status, result.stderr).toBe(0)
      for (const line of [
        'B, 16-bit floating-point, sampling 1 1',
        'G, 16-bit floating-point, sampling 1 1',
        'R, 16-bit floating-point, sampling 1 1',
        'compression (type compression): zip, multi-scanline blocks',
        'dataWindow (type box2i): (0 0) - (36 20)',
        'displayWindow (type box2i): (0 0) - (36 20)',
        'lineOrder (type lineOrder): increasing y',
        'pixelAspectRatio (type float): 1',
        'screenWindowCenter (type v2f): (0 0)',
        'screenWindowWidth (type float): 1',
        'software (type string): "Unclip test"',
        'comments (type string): "grüße"'
      ]) {
        expect(result.stdout).toContain(line)
      }
      expect(spawnSync(exrheader, [files.none], { encoding: 'utf8' }).stdout).toContain(
        'compression (type compression): none'
      )
    })
  }
)
