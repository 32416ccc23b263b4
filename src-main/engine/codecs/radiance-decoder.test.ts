import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { pythonSkipReason, runPython } from '../../../test/helpers/python'
import { UnclipError } from '../errors'
import { decodeRadiance } from './radiance-decoder'
import { createRadianceEncoder, encodeRadiance } from './radiance-encoder'
import type { RgbImage } from '../types'
import { prng } from '../../../test/helpers/random'

const tmp = mkdtempSync(join(tmpdir(), 'unclip-radiance-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** Values spread over ~60 stops, with runs of repeated pixels so RLE has something to do. */
function randomImage(width: number, height: number, seed: number): RgbImage {
  const rand = prng(seed)
  const data = new Float32Array(width * height * 3)
  for (let i = 0; i < data.length; i += 3) {
    if (i > 0 && rand() < 0.3) {
      data.copyWithin(i, i - 3, i)
      continue
    }
    const scale = 2 ** (rand() * 60 - 30)
    for (let c = 0; c < 3; c++) data[i + c] = rand() < 0.05 ? 0 : rand() * scale
  }
  return { width, height, data }
}

/** RGBE precision: each channel within half a mantissa step of the pixel's exponent. */
function expectWithinRgbe(actual: Float32Array, expected: Float32Array, steps = 0.5): void {
  expect(actual.length).toBe(expected.length)
  for (let i = 0; i < expected.length; i += 3) {
    const max = Math.max(expected[i], expected[i + 1], expected[i + 2])
    for (let c = 0; c < 3; c++) {
      const error = Math.abs(actual[i + c] - expected[i + c])
      if (error > (max * steps) / 128 + 1e-38)
        throw new Error(`pixel ${i / 3} channel ${c}: ${actual[i + c]} vs ${expected[i + c]}`)
    }
  }
}

/** A hand-written header and flat pixel bytes, for decoder cases our encoder never produces. */
function rawFile(header: string, pixels: number[]): Buffer {
  return Buffer.concat([Buffer.from(header, 'latin1'), Buffer.from(pixels)])
}

function expectCorrupt(bytes: Uint8Array, reason: string): void {
  expect(() => decodeRadiance(bytes)).toThrow(new UnclipError('CORRUPT_IMAGE', `Radiance file is corrupt: ${reason}`))
}

describe('encodeRadiance', () => {
  it('writes the standard header', () => {
    const bytes = encodeRadiance({ width: 9, height: 2, data: new Float32Array(54) }, { exposure: 0.5 })
    const header = '#?RADIANCE\nFORMAT=32-bit_rle_rgbe\nEXPOSURE=0.5\n\n-Y 2 +X 9\n'
    expect(bytes.toString('latin1', 0, header.length)).toBe(header)
    expect(bytes[header.length]).toBe(2)
  })

  it('writes known RGBE bytes with round-to-nearest mantissas', () => {
    const data = Float32Array.from([1, 0.5, 0.25, 0, 0, 0, 3, 1.5, 0, 255.6, 1, 0, 1e-40, 0, 0])
    const bytes = encodeRadiance({ width: 5, height: 1, data })
    expect(Array.from(bytes.subarray(bytes.length - 20))).toEqual([
      ...[128, 64, 32, 129],
      ...[0, 0, 0, 0],
      ...[192, 96, 0, 130],
      ...[128, 1, 0, 137],
      ...[0, 0, 0, 0]
    ])
  })

  it('saturates huge values and writes negatives and NaN as 0', () => {
    const decoded = decodeRadiance(
      encodeRadiance({ width: 1, height: 1, data: Float32Array.from([Infinity, -3, NaN]) })
    )
    expect(Array.from(decoded.data)).toEqual([255 * 2 ** 119, 0, 0])
  })

  it('uses flat scanlines below width 8 or when asked, RLE otherwise', () => {
    const flat = encodeRadiance(randomImage(7, 3, 1))
    expect(flat.length).toBe('#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 3 +X 7\n'.length + 7 * 3 * 4)
    const rle = encodeRadiance(randomImage(300, 2, 2))
    const start = rle.indexOf('+X 300\n') + 7
    expect(Array.from(rle.subarray(start, start + 4))).toEqual([2, 2, 1, 44])
    const noRle = encodeRadiance(randomImage(300, 2, 2), { rle: false })
    expect(noRle.length).toBe('#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 2 +X 300\n'.length + 300 * 2 * 4)
  })

  it('compresses flat areas', () => {
    const data = new Float32Array(1000 * 10 * 3).fill(0.75)
    expect(encodeRadiance({ width: 1000, height: 10, data }).length).toBeLessThan(1000)
  })

  it('rejects bad input with exact messages', () => {
    const err = (m: string) => new UnclipError('INVALID_ARGUMENT', m)
    expect(() => encodeRadiance({ width: 0, height: 1, data: new Float32Array(0) })).toThrow(
      err('Expected positive integer for width but received 0')
    )
    expect(() => encodeRadiance({ width: 2, height: 1.5, data: new Float32Array(9) })).toThrow(
      err('Expected positive integer for height but received 1.5')
    )
    expect(() => encodeRadiance({ width: 2, height: 2, data: new Float32Array(9) })).toThrow(
      err('Expected 2×2×3 = 12 samples but received 9')
    )
    expect(() => encodeRadiance({ width: 1, height: 1, data: new Float32Array(3) }, { exposure: 0 })).toThrow(
      err('Expected positive finite number for exposure but received 0')
    )
  })
})

describe('createRadianceEncoder', () => {
  it('gives the same bytes in strips as in one go', () => {
    const image = randomImage(33, 10, 3)
    const encoder = createRadianceEncoder(33, 10)
    const strips = [0, 1, 4, 10]
      .slice(1)
      .map((end, i, ends) => encoder.encodeRows(image.data.subarray((i ? ends[i - 1] : 1) * 99, end * 99)))
    const first = createRadianceEncoder(33, 10).encodeRows(image.data.subarray(0, 99))
    expect(Buffer.concat([encoder.header, first, ...strips])).toEqual(encodeRadiance(image))
  })

  it('rejects partial rows and too many rows', () => {
    const encoder = createRadianceEncoder(4, 2)
    expect(() => encoder.encodeRows(new Float32Array(5))).toThrow(
      new UnclipError('INVALID_ARGUMENT', 'Expected a multiple of 12 samples (whole rows) but received 5')
    )
    encoder.encodeRows(new Float32Array(24))
    expect(() => encoder.encodeRows(new Float32Array(12))).toThrow(
      new UnclipError('INVALID_ARGUMENT', 'Expected at most 2 rows in total but received 3')
    )
  })
})

describe('round trip', () => {
  const shapes = [
    [1, 1],
    [2, 3],
    [7, 5],
    [8, 2],
    [9, 4],
    [31, 3],
    [127, 2],
    [128, 2],
    [129, 3],
    [300, 7],
    [1000, 2]
  ]
  it.each(shapes)('%i×%i is exact to RGBE precision, RLE and flat', (width, height) => {
    const image = randomImage(width, height, width * 31 + height)
    for (const rle of [true, false]) {
      const bytes = encodeRadiance(image, { rle })
      const decoded = decodeRadiance(bytes)
      expect([decoded.width, decoded.height, decoded.exposure]).toEqual([width, height, 1])
      expectWithinRgbe(decoded.data, image.data)
      // Decoded values are exactly representable, so re-encoding is lossless.
      expect(encodeRadiance(decoded, { rle })).toEqual(bytes)
    }
  })

  it('keeps the brightest channel within 1/256 relative for values from 1e-30 to 1e38', () => {
    const values = Array.from({ length: 400 }, (_, i) => 1e-30 * 10 ** ((i / 399) * 68) * (1 + (i % 7) / 7))
    const data = Float32Array.from(values.flatMap((v) => [v, v / 3, v / 1000]))
    const decoded = decodeRadiance(encodeRadiance({ width: values.length, height: 1, data }))
    values.forEach((v, i) =>
      expect(Math.abs(decoded.data[i * 3] - data[i * 3]) / data[i * 3]).toBeLessThanOrEqual(1 / 256)
    )
  })
})

describe('decodeRadiance', () => {
  it('reads #?RGBE files, multiplies EXPOSURE lines and keeps pixels as stored', () => {
    const file = rawFile(
      '#?RGBE\nEXPOSURE=2\n# comment\nEXPOSURE= 1.5\nFORMAT=32-bit_rle_rgbe\n\n-Y 1 +X 1\n',
      [128, 64, 0, 129]
    )
    expect(decodeRadiance(file)).toEqual({ width: 1, height: 1, data: Float32Array.from([1, 0.5, 0]), exposure: 3 })
  })

  it('maps all eight orientations to top-down, left-right', () => {
    // A 3×2 image whose pixel (x, y) has red mantissa 10·y + x + 128 (exponent 136: value = mantissa).
    const width = 3
    const height = 2
    const at = (x: number, y: number) => [128 + 10 * y + x, 0, 0, 136]
    const cases: [string, (s: number, i: number) => [number, number], number, number][] = [
      ['-Y 2 +X 3', (s, i) => [i, s], 2, 3],
      ['-Y 2 -X 3', (s, i) => [2 - i, s], 2, 3],
      ['+Y 2 +X 3', (s, i) => [i, 1 - s], 2, 3],
      ['+Y 2 -X 3', (s, i) => [2 - i, 1 - s], 2, 3],
      ['+X 3 -Y 2', (s, i) => [s, i], 3, 2],
      ['+X 3 +Y 2', (s, i) => [s, 1 - i], 3, 2],
      ['-X 3 -Y 2', (s, i) => [2 - s, i], 3, 2],
      ['-X 3 +Y 2', (s, i) => [2 - s, 1 - i], 3, 2]
    ]
    for (const [resolution, place, scanlines, length] of cases) {
      const pixels: number[] = []
      for (let s = 0; s < scanlines; s++) for (let i = 0; i < length; i++) pixels.push(...at(...place(s, i)))
      const decoded = decodeRadiance(rawFile(`#?RADIANCE\n\n${resolution}\n`, pixels))
      expect([decoded.width, decoded.height]).toEqual([width, height])
      const red = Array.from({ length: width * height }, (_, p) => decoded.data[p * 3])
      expect(red, resolution).toEqual([128, 129, 130, 138, 139, 140])
    }
  })

  it('reads old-style run-length scanlines', () => {
    // 300 pixels: one pixel, then runs of 43 + (1 << 8) = 299 repeats.
    const file = rawFile('#?RADIANCE\n\n-Y 1 +X 300\n', [200, 100, 50, 130, 1, 1, 1, 43, 1, 1, 1, 1])
    const decoded = decodeRadiance(file)
    expect(decoded.width).toBe(300)
    for (let x = 0; x < 300; x++)
      expect(Array.from(decoded.data.subarray(x * 3, x * 3 + 3))).toEqual([3.125, 1.5625, 0.78125])
  })

  it('rejects XYZE and unknown pixel formats', () => {
    expect(() => decodeRadiance(rawFile('#?RADIANCE\nFORMAT=32-bit_rle_xyze\n\n-Y 1 +X 1\n', [1, 2, 3, 4]))).toThrow(
      new UnclipError(
        'UNSUPPORTED_FORMAT',
        'Radiance file uses XYZE pixels, which Unclip does not read; save it as RGBE (32-bit_rle_rgbe) instead.'
      )
    )
    expect(() => decodeRadiance(rawFile('#?RADIANCE\nFORMAT=16-bit\n\n-Y 1 +X 1\n', [1, 2, 3, 4]))).toThrow(
      new UnclipError(
        'UNSUPPORTED_FORMAT',
        "Radiance file has pixel format '16-bit'; Unclip reads only 32-bit_rle_rgbe."
      )
    )
  })

  it('rejects too-large images before allocating', () => {
    expect(() => decodeRadiance(rawFile('#?RADIANCE\n\n-Y 100000 +X 100000\n', []))).toThrow(
      new UnclipError('TOO_LARGE', 'Radiance image is 100000×100000 pixels, more than the 134217728 Unclip can open.')
    )
  })

  it('names what is wrong with corrupt files', () => {
    const good = encodeRadiance(randomImage(20, 2, 9))
    expectCorrupt(Buffer.from('P6\n1 1\n255\n'), 'missing the #?RADIANCE signature')
    expectCorrupt(
      Buffer.from('#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n'),
      'header ends before the blank line that closes it'
    )
    expectCorrupt(rawFile('#?RADIANCE\n\n-Y 1 -Y 1\n', [0, 0, 0, 0]), 'missing or malformed resolution line')
    expectCorrupt(rawFile('#?RADIANCE\n\n-Y 0 +X 1\n', [0, 0, 0, 0]), 'image has zero size (-Y 0 +X 1)')
    expectCorrupt(rawFile('#?RADIANCE\nEXPOSURE=-1\n\n-Y 1 +X 1\n', [0, 0, 0, 0]), "bad EXPOSURE line 'EXPOSURE=-1'")
    expectCorrupt(
      rawFile('#?RADIANCE\n\n-Y 9 +X 9\n', [0, 0, 0, 0]),
      '9 scanlines declared but only 4 bytes of pixel data'
    )
    expectCorrupt(good.subarray(0, good.length - 1), 'pixel data ends early')
    expectCorrupt(
      rawFile('#?RADIANCE\n\n-Y 1 +X 8\n', [2, 2, 0, 9, ...new Array(40).fill(0)]),
      'run-length scanline has the wrong width'
    )
    expectCorrupt(
      rawFile('#?RADIANCE\n\n-Y 1 +X 8\n', [2, 2, 0, 8, 137, 5, ...new Array(40).fill(0)]),
      'bad run-length run'
    )
    expectCorrupt(rawFile('#?RADIANCE\n\n-Y 1 +X 8\n', [2, 2, 0, 8, 0, ...new Array(40).fill(0)]), 'bad run-length run')
    expectCorrupt(
      rawFile('#?RADIANCE\n\n-Y 1 +X 2\n', [1, 1, 1, 1, 0, 0, 0, 0]),
      'old-style run at the start of a scanline'
    )
    expectCorrupt(
      rawFile('#?RADIANCE\n\n-Y 1 +X 2\n', [9, 9, 9, 9, 1, 1, 1, 2]),
      'old-style run goes past the end of the scanline'
    )
  })
})

const cv2Missing = pythonSkipReason(['cv2', 'numpy'])
describe.skipIf(cv2Missing !== null)(`OpenCV interop${cv2Missing ? ` (skipped: ${cv2Missing})` : ''}`, () => {
  const image = randomImage(45, 13, 77)
  const raw = join(tmp, 'input.f32')
  const written = join(tmp, 'cv2.hdr')
  const ours = join(tmp, 'ours.hdr')

  it('reads what cv2.imwrite wrote, value for value as cv2.imread sees it', () => {
    writeFileSync(raw, image.data)
    // OpenCV stores BGR; flip to and from RGB around its calls.
    const out = runPython(
      'import sys, numpy as np, cv2\n' +
        'rgb = np.fromfile(sys.argv[1], np.float32).reshape(13, 45, 3)\n' +
        'assert cv2.imwrite(sys.argv[2], rgb[:, :, ::-1].copy())\n' +
        'back = cv2.imread(sys.argv[2], cv2.IMREAD_UNCHANGED)[:, :, ::-1]\n' +
        'sys.stdout.write(np.ascontiguousarray(back, np.float32).tobytes().hex())',
      { args: [raw, written] }
    )
    const decoded = decodeRadiance(readFileSync(written))
    expect([decoded.width, decoded.height]).toEqual([45, 13])
    expect(decoded.data).toEqual(new Float32Array(Buffer.from(out, 'hex').buffer))
    // OpenCV truncates mantissas, so it is within a whole step of the input rather than half.
    expectWithinRgbe(decoded.data, image.data, 1)
  })

  it('writes files cv2.imread reads back to our decoded values', () => {
    for (const rle of [true, false]) {
      const bytes = encodeRadiance(image, { rle })
      writeFileSync(ours, bytes)
      const out = runPython(
        'import sys, numpy as np, cv2\n' +
          'back = cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED)[:, :, ::-1]\n' +
          'sys.stdout.write(np.ascontiguousarray(back, np.float32).tobytes().hex())',
        { args: [ours] }
      )
      expect(new Float32Array(Buffer.from(out, 'hex').buffer)).toEqual(decodeRadiance(bytes).data)
    }
  })
})

const convert = '/usr/bin/convert'
describe.skipIf(!existsSync(convert))(
  `ImageMagick interop${existsSync(convert) ? '' : ` (skipped: ${convert} not found)`}`,
  () => {
    it('reads what ImageMagick wrote, matching ImageMagick reading it back', () => {
      const file = join(tmp, 'magick.hdr')
      const made = spawnSync(convert, ['-size', '37x5', 'gradient:rgb(200,30,60)-rgb(10,250,120)', file])
      expect(made.status, String(made.stderr)).toBe(0)
      const decoded = decodeRadiance(readFileSync(file))
      expect([decoded.width, decoded.height]).toEqual([37, 5])
      const text = spawnSync(convert, [file, '-depth', '16', 'txt:-'], { encoding: 'utf8' }).stdout
      const rows = text.split('\n').filter((line) => /^\d+,\d+:/.test(line))
      expect(rows).toHaveLength(37 * 5)
      for (const row of rows) {
        const [, x, y, r, g, b] = /^(\d+),(\d+): \((\d+),(\d+),(\d+)\)/.exec(row)!.map(Number)
        const p = (y * 37 + x) * 3
        expect(Math.abs(decoded.data[p] * 65535 - r)).toBeLessThanOrEqual(1)
        expect(Math.abs(decoded.data[p + 1] * 65535 - g)).toBeLessThanOrEqual(1)
        expect(Math.abs(decoded.data[p + 2] * 65535 - b)).toBeLessThanOrEqual(1)
      }
    })
  }
)

const shared = resolve(__dirname, '../../../../shared/data/hdr')
const manifest = join(shared, 'MANIFEST.tsv')
describe.skipIf(!existsSync(manifest))(
  `shared HDR data${existsSync(manifest) ? '' : ` (skipped: ${manifest} not found)`}`,
  () => {
    it('decodes every file at the size MANIFEST.tsv lists', () => {
      const [head, ...lines] = readFileSync(manifest, 'utf8').trim().split('\n')
      const columns = head.split('\t')
      const [fileCol, widthCol, heightCol] = ['file', 'width', 'height'].map((name) => columns.indexOf(name))
      expect(lines.length).toBeGreaterThan(0)
      for (const line of lines) {
        const fields = line.split('\t')
        const decoded = decodeRadiance(readFileSync(join(shared, fields[fileCol])))
        expect([decoded.width, decoded.height], fields[fileCol]).toEqual([
          Number(fields[widthCol]),
          Number(fields[heightCol])
        ])
        expect(
          decoded.data.some((v) => v > 0),
          fields[fileCol]
        ).toBe(true)
      }
    })

    it.skipIf(cv2Missing !== null)('decodes every file to exactly the floats cv2.imread gives', () => {
      const paths = readFileSync(manifest, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => join(shared, line.split('\t')[0]))
      const out = runPython(
        'import sys, hashlib, numpy as np, cv2\n' +
          'for p in sys.argv[1:]:\n' +
          '    rgb = np.ascontiguousarray(cv2.imread(p, cv2.IMREAD_UNCHANGED)[:, :, ::-1], np.float32)\n' +
          '    print(hashlib.sha256(rgb.tobytes()).hexdigest())',
        { args: paths, timeoutMs: 120_000 }
      )
      const digests = out.trim().split('\n')
      expect(digests).toHaveLength(paths.length)
      paths.forEach((path, i) => {
        const { data } = decodeRadiance(readFileSync(path))
        expect(createHash('sha256').update(data).digest('hex'), path).toBe(digests[i])
      })
    })
  }
)
