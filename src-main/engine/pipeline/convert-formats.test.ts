/**
 * EXR, JPEG and Ultra HDR JPEG from a real conversion, checked with independent readers (OpenCV,
 * ImageMagick, exrheader, exiftool, the test gain-map decoder) against the `.hdr` the same
 * conversion wrote, and with the photo's EXIF (camera, exposure, date, GPS) followed through.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeGainMapJpeg } from '../../../test/helpers/gainmap-decoder'
import { imagePipeline } from '../../../test/helpers/images'
import { pythonSkipReason, runPython } from '../../../test/helpers/python'
import { convertFile, type ConvertFileOptions } from './convert'
import { createEngine, type Engine } from './engine'
import { halfToFloat, floatToHalf } from '../codecs/half-float'
import { decodeRadiance } from '../codecs/radiance-decoder'
import { luminance, srgbDecode, toneMapImage } from '../imaging/tonemap'
import type { ConvertResult, RgbImage, ToneMapSettings } from '../types'

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/models/', import.meta.url))
const EXIFTOOL = '/usr/bin/exiftool'
const EXRHEADER = '/usr/bin/exrheader'
const MAGICK = '/usr/bin/convert'
/** Not the default, so the SDR outputs show they follow the conversion's settings. */
const TONEMAP: ToneMapSettings = { operator: 'reinhard', exposureEv: -0.5, whitePoint: 6, gamma: 1 }
/** Stored 60×40 with orientation 6, so the photo and every output are 40×60 upright. */
const [W, H] = [40, 60]

const root = mkdtempSync(path.join(tmpdir(), 'unclip-formats-'))
let engine: Engine
let photo: string
/** The photo as a viewer shows it (rotated), linear. */
let upright: RgbImage
let plain: ConvertResult
let withGps: ConvertResult
let hdr: RgbImage

const file = (result: ConvertResult, suffix: string): string => result.outputs.find((o) => o.endsWith(suffix))!

beforeAll(async () => {
  engine = await createEngine({ modelsDir: FIXTURES, model: 'unclip-fixture', provider: 'cpu' })
  photo = path.join(root, 'photo.jpg')
  // Clipped top-left corner (stored), so the model boosts something; different ramps per channel
  // so a wrong rotation or mirror cannot match.
  await imagePipeline(60, 40, (x, y) => (x < 0.25 && y < 0.35 ? [1, 1, 1] : [0.1 + 0.6 * x, 0.1 + 0.5 * y, 0.3]))
    .withExif({
      IFD0: { Make: 'Acme', Model: 'Cam 1', Artist: 'Jo Photographer', DateTime: '2024:05:06 07:08:09' },
      IFD2: {
        ExposureTime: '1/250',
        FNumber: '28/10',
        ISOSpeedRatings: '200',
        DateTimeOriginal: '2024:05:06 07:08:09',
        LensModel: 'Acme 35mm',
        FocalLength: '35/1'
      },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '48/1 51/1 2964/100',
        GPSLongitudeRef: 'W',
        GPSLongitude: '2/1 17/1 4000/100'
      }
    })
    .withMetadata({ orientation: 6 })
    .jpeg({ quality: 95 })
    .toFile(photo)
  const rotated = await sharp(photo).rotate().raw().toBuffer({ resolveWithObject: true })
  upright = {
    width: rotated.info.width,
    height: rotated.info.height,
    data: Float32Array.from(rotated.data, (v) => srgbDecode(v / 255))
  }

  const options = (dir: string, extra: Partial<ConvertFileOptions> = {}): ConvertFileOptions => ({
    outDir: dir,
    outputBase: path.join(dir, 'photo'),
    formats: ['hdr', 'exr', 'jpg', 'jpg-hdr', 'png'],
    mode: 'hdr',
    overwrite: false,
    tonemap: TONEMAP,
    ...extra
  })
  plain = await convertFile(engine, photo, options(path.join(root, 'plain')))
  withGps = await convertFile(engine, photo, options(path.join(root, 'gps'), { keepGps: true }))
  hdr = decodeRadiance(readFileSync(file(plain, '.hdr')))
}, 60_000)

afterAll(async () => {
  await engine?.dispose()
  rmSync(root, { recursive: true, force: true })
})

/** Largest |a−b| allowed between an RGBE value (8-bit mantissa shared by the pixel) and a half. */
function rgbeVsHalfTolerance(reference: Float32Array, i: number): number {
  const p = i - (i % 3)
  const max = Math.max(reference[p], reference[p + 1], reference[p + 2])
  return max / 128 + Math.abs(reference[i]) / 1024 + 1e-6
}

describe('convertFile with exr, jpg and jpg-hdr', () => {
  it('names and writes every format, the Ultra HDR JPEG apart from the plain one', () => {
    expect(plain.outputs.map((o) => path.basename(o))).toEqual([
      'photo.hdr',
      'photo.exr',
      'photo.jpg',
      'photo-ultrahdr.jpg',
      'photo.png'
    ])
    for (const stage of ['exrEncode', 'jpegEncode'] as const) expect(plain.timings[stage]).toBeGreaterThan(0)
    expect([hdr.width, hdr.height]).toEqual([W, H])
  })

  it('writes upright pixels: the HDR matches the rotated photo where it did not clip', () => {
    const errors: number[] = []
    for (let i = 0; i < W * H * 3; i += 3) {
      if (Math.max(upright.data[i], upright.data[i + 1], upright.data[i + 2]) > 0.5) continue
      for (let c = 0; c < 3; c++) errors.push(Math.abs(hdr.data[i + c] - upright.data[i + c]))
    }
    errors.sort((a, b) => a - b)
    expect(errors.length).toBeGreaterThan(W * H)
    expect(errors[Math.floor(errors.length / 2)]).toBeLessThan(0.002)
    // The stored top-left corner is the top-right once rotated 90° clockwise: boosted above 1 there.
    expect(hdr.data[3 * (3 * W + W - 3)]).toBeGreaterThan(1.5)
    expect(hdr.data[3 * (H - 3) * W]).toBeLessThan(0.5)
  })

  it('SDR outputs use the conversion tone mapping, and the Ultra HDR base is the plain JPEG', async () => {
    const expected = toneMapImage(hdr, TONEMAP, 8)
    const jpg = await sharp(file(plain, 'photo.jpg')).raw().toBuffer()
    const diffs = Array.from(jpg, (v, i) => Math.abs(v - expected[i])).sort((a, b) => a - b)
    // JPEG q95 plus the .hdr's own RGBE rounding.
    expect(diffs[Math.floor(diffs.length * 0.95)]).toBeLessThanOrEqual(4)
    const ultra = readFileSync(file(plain, '-ultrahdr.jpg'))
    const base = await sharp(ultra.subarray(0, (await decodeGainMapJpeg(ultra)).entries[0].size))
      .raw()
      .toBuffer()
    expect(base.equals(jpg)).toBe(true)
  })

  const cv2Missing = pythonSkipReason(['cv2', 'numpy'])
  it.skipIf(cv2Missing !== null)(
    `EXR read by OpenCV matches the .hdr to RGBE/half precision${cv2Missing ? ` (skipped: ${cv2Missing})` : ''}`,
    () => {
      const out = runPython(
        'import sys, numpy as np, cv2\n' +
          'img = cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED)\n' +
          'assert img is not None, "cv2 could not read the file"\n' +
          'sys.stdout.write(np.ascontiguousarray(img[:, :, ::-1], np.float32).tobytes().hex())',
        { args: [file(plain, '.exr')], env: { OPENCV_IO_ENABLE_OPENEXR: '1' } }
      )
      const exr = new Float32Array(Buffer.from(out, 'hex').buffer)
      expect(exr.length).toBe(W * H * 3)
      let worst = 0
      for (let i = 0; i < exr.length; i++) {
        // Every EXR value is a half.
        expect(halfToFloat(floatToHalf(exr[i]))).toBe(exr[i])
        worst = Math.max(worst, Math.abs(exr[i] - hdr.data[i]) / rgbeVsHalfTolerance(hdr.data, i))
      }
      expect(worst).toBeLessThanOrEqual(1)
    }
  )

  it.skipIf(!existsSync(MAGICK))(
    `EXR read by ImageMagick matches the .hdr${existsSync(MAGICK) ? '' : ` (skipped: ${MAGICK} not found)`}`,
    () => {
      // This ImageMagick is Q16 without HDRI: it clamps to [0,1], so compare after clamping.
      const text = spawnSync(MAGICK, [file(plain, '.exr'), '-depth', '16', 'txt:-'], { encoding: 'utf8' }).stdout
      const rows = text.split('\n').filter((line) => /^\d+,\d+:/.test(line))
      expect(rows).toHaveLength(W * H)
      for (const row of rows) {
        const [, x, y, ...rgb] = /^(\d+),(\d+): \((\d+),(\d+),(\d+)/.exec(row)!.map(Number)
        rgb.forEach((v, c) => {
          const i = (y * W + x) * 3 + c
          expect(Math.abs(v / 65535 - Math.min(1, hdr.data[i]))).toBeLessThanOrEqual(
            rgbeVsHalfTolerance(hdr.data, i) + 1 / 65535
          )
        })
      }
    }
  )

  it.skipIf(!existsSync(EXRHEADER))(
    `EXR header carries the camera metadata, GPS only when kept${existsSync(EXRHEADER) ? '' : ` (skipped: ${EXRHEADER} not found)`}`,
    () => {
      const header = (exr: string): string => {
        const result = spawnSync(EXRHEADER, [exr], { encoding: 'utf8' })
        expect(result.status, result.stderr).toBe(0)
        return result.stdout
      }
      const text = header(file(plain, '.exr'))
      for (const line of [
        'compression (type compression): zip, multi-scanline blocks',
        'dataWindow (type box2i): (0 0) - (39 59)',
        'cameraMake (type string): "Acme"',
        'cameraModel (type string): "Cam 1"',
        'lensModel (type string): "Acme 35mm"',
        'capDate (type string): "2024:05:06 07:08:09"',
        'owner (type string): "Jo Photographer"',
        'exifExposureTime (type string): "1/250 s"',
        'exifFNumber (type string): "f/2.8"',
        'exifIsoSpeed (type string): "200"',
        'exifFocalLength (type string): "35 mm"'
      ]) {
        expect(text).toContain(line)
      }
      expect(text).not.toContain('Gps')
      const kept = header(file(withGps, '.exr'))
      expect(kept).toContain('exifGpsLatitude (type string): "48.858233"')
      expect(kept).toContain('exifGpsLongitude (type string): "-2.294444"')
    }
  )

  it('Ultra HDR: a JPEG with sRGB ICC whose gain map recovers the .hdr', async () => {
    const ultra = readFileSync(file(plain, '-ultrahdr.jpg'))
    const meta = await sharp(ultra).metadata()
    expect([meta.format, meta.width, meta.height, meta.orientation ?? 1]).toEqual(['jpeg', W, H, 1])
    expect(meta.icc?.includes(Buffer.from('sRGB', 'utf16le').swap16())).toBe(true)
    const decoded = await decodeGainMapJpeg(ultra)
    expect([decoded.width, decoded.height]).toEqual([W, H])
    // sharp finds the same gain map on its own.
    expect(meta.gainMap?.image.equals(decoded.gainMapJpeg)).toBe(true)
    const errors: number[] = []
    for (let i = 0; i < W * H * 3; i += 3) {
      const want = luminance(hdr.data[i], hdr.data[i + 1], hdr.data[i + 2])
      errors.push(Math.abs(luminance(decoded.hdr[i], decoded.hdr[i + 1], decoded.hdr[i + 2]) - want) / want)
    }
    errors.sort((a, b) => a - b)
    // The quarter-size map (10×15 here) blurs the boosted corner's edge; elsewhere it is JPEG error.
    expect(errors[Math.floor(errors.length / 2)]).toBeLessThanOrEqual(0.02)
    expect(errors[Math.floor(errors.length * 0.9)]).toBeLessThanOrEqual(0.06)
    expect(Math.max(...decoded.hdr)).toBeGreaterThan(1.5)
  })

  it.skipIf(!existsSync(EXIFTOOL))(
    `PNG, JPEG and Ultra HDR keep camera, exposure and date, Orientation 1, GPS only when kept${existsSync(EXIFTOOL) ? '' : ` (skipped: ${EXIFTOOL} not found)`}`,
    () => {
      const read = (paths: string[]): Record<string, unknown>[] => {
        const result = spawnSync(
          EXIFTOOL,
          [
            '-j',
            '-n',
            '-Make',
            '-Model',
            '-ExposureTime',
            '-FNumber',
            '-ISO',
            '-DateTimeOriginal',
            '-Orientation',
            '-GPSLatitude',
            '-GPSLongitude',
            ...paths
          ],
          { encoding: 'utf8' }
        )
        expect(result.status, result.stderr).toBe(0)
        return JSON.parse(result.stdout) as Record<string, unknown>[]
      }
      const sdr = ['photo.png', 'photo.jpg', '-ultrahdr.jpg']
      for (const tags of read(sdr.map((s) => file(plain, s)))) {
        expect(tags).toMatchObject({
          Make: 'Acme',
          Model: 'Cam 1',
          ExposureTime: 0.004,
          FNumber: 2.8,
          ISO: 200,
          DateTimeOriginal: '2024:05:06 07:08:09',
          Orientation: 1
        })
        expect(tags).not.toHaveProperty('GPSLatitude')
      }
      for (const tags of read(sdr.map((s) => file(withGps, s)))) {
        expect(tags).toMatchObject({ Make: 'Acme', Orientation: 1 })
        expect(tags.GPSLatitude).toBeCloseTo(48.858233, 5)
        expect(tags.GPSLongitude).toBeCloseTo(-2.294444, 5)
      }
    }
  )
})
