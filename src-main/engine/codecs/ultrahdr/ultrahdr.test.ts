import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, describe, expect, it } from 'vitest'
import { decodeGainMapJpeg, parseIsoGainMap, readSegments } from '../../../../test/helpers/gainmap-decoder'
import { prepareExif } from '../exif'
import { DEFAULT_TONEMAP, luminance, toneMapImage } from '../../imaging/tonemap'
import type { RgbImage } from '../../types'
import { encodeUltraHdr } from './ultrahdr'
import { hasTool } from '../../../../test/helpers/tools'

/** exiftool is the independent reader of the MPF index and hdrgm XMP; CI installs libimage-exiftool-perl. */
const hasExiftool = hasTool('exiftool', ['-ver'])

const tmp = mkdtempSync(join(tmpdir(), 'unclip-uhdr-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** A warm gradient with a soft-edged highlight disc up to 8× SDR white. */
function highlightScene(width: number, height: number): RgbImage {
  const data = new Float32Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const base = 0.05 + (0.9 * x) / width
      const d = Math.hypot(x - width * 0.6, y - height * 0.45)
      const v = d < 30 ? 8 : d < 50 ? base + ((8 - base) * (50 - d)) / 20 : base
      const i = (y * width + x) * 3
      data[i] = v
      data[i + 1] = v * 0.9
      data[i + 2] = v * 0.7
    }
  }
  return { width, height, data }
}

/** A smooth horizontal ramp from 0.02 to 4× SDR white, neutral grey. */
function gradient(width: number, height: number): RgbImage {
  const data = new Float32Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = 0.02 * Math.pow(200, x / (width - 1))
      data.fill(v, (y * width + x) * 3, (y * width + x) * 3 + 3)
    }
  }
  return { width, height, data }
}

/** Relative luminance errors of `rebuilt` against `hdr`, sorted ascending. */
function luminanceErrors(hdr: RgbImage, rebuilt: Float32Array): number[] {
  const errors: number[] = []
  for (let i = 0; i < hdr.data.length; i += 3) {
    const want = luminance(hdr.data[i], hdr.data[i + 1], hdr.data[i + 2])
    const got = luminance(rebuilt[i], rebuilt[i + 1], rebuilt[i + 2])
    errors.push(Math.abs(got - want) / want)
  }
  return errors.sort((a, b) => a - b)
}

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]

describe('encodeUltraHdr', () => {
  it('recovers a scene with 8× highlights from base + gain map (median luminance error ≤ 1%)', async () => {
    const hdr = highlightScene(256, 192)
    const decoded = await decodeGainMapJpeg(await encodeUltraHdr(hdr))
    expect([decoded.width, decoded.height]).toEqual([256, 192])
    const errors = luminanceErrors(hdr, decoded.hdr)
    expect(quantile(errors, 0.5)).toBeLessThanOrEqual(0.01)
    // The quarter-size map blurs the disc's edge; elsewhere the error is quantisation and JPEG.
    expect(quantile(errors, 0.95)).toBeLessThanOrEqual(0.04)
    expect(decoded.hdrgm.gainMapMax).toBeGreaterThan(2.5)
  })

  it('recovers a smooth gradient closely (median ≤ 1%, max ≤ 4% luminance error)', async () => {
    const hdr = gradient(320, 64)
    const errors = luminanceErrors(hdr, (await decodeGainMapJpeg(await encodeUltraHdr(hdr))).hdr)
    expect(quantile(errors, 0.5)).toBeLessThanOrEqual(0.01)
    // The worst pixels are the darkest, where one 8-bit SDR step is ~3% of the value.
    expect(quantile(errors, 0.99)).toBeLessThanOrEqual(0.03)
    expect(errors[errors.length - 1]).toBeLessThanOrEqual(0.04)
  })

  it('with a full-size gain map at quality 100 recovers the highlights everywhere (max luminance error ≤ 2%)', async () => {
    const hdr = highlightScene(128, 96)
    const decoded = await decodeGainMapJpeg(await encodeUltraHdr(hdr, { gainMapScale: 1, quality: 100 }))
    const errors = luminanceErrors(hdr, decoded.hdr)
    expect(quantile(errors, 0.5)).toBeLessThanOrEqual(0.005)
    expect(errors[errors.length - 1]).toBeLessThanOrEqual(0.02)
  })

  it('writes the documented container: MPF entries, XMP, ISO 21496-1, ICC, quarter-size gain map', async () => {
    const hdr = highlightScene(200, 150)
    const file = await encodeUltraHdr(hdr)
    const decoded = await decodeGainMapJpeg(file)
    const [primary, gainMap] = decoded.entries
    expect(primary.start).toBe(0)
    expect(primary.attributes).toBe(0x030000)
    expect(gainMap.start).toBe(primary.size)
    expect(gainMap.start + gainMap.size).toBe(file.length)
    expect(decoded.primaryXmp).toContain('hdrgm:Version="1.0"')
    expect(decoded.primaryXmp).toContain(`Item:Length="${gainMap.size}"`)
    expect(decoded.hdrgm).toMatchObject({
      version: '1.0',
      gamma: 1,
      offsetSdr: 1 / 64,
      offsetHdr: 1 / 64,
      hdrCapacityMin: 0
    })
    expect(decoded.hdrgm.baseRenditionIsHdr).toBe(false)
    expect(decoded.hdrgm.hdrCapacityMax).toBe(decoded.hdrgm.gainMapMax)
    const iso = parseIsoGainMap(decoded.isoGainMap!)
    expect(iso.multichannel).toBe(false)
    expect(iso.baseHdrHeadroom).toBeCloseTo(decoded.hdrgm.hdrCapacityMin, 6)
    expect(iso.alternateHdrHeadroom).toBeCloseTo(decoded.hdrgm.hdrCapacityMax, 6)
    expect(iso.gainMapMin).toBeCloseTo(decoded.hdrgm.gainMapMin, 6)
    expect(iso.gainMapMax).toBeCloseTo(decoded.hdrgm.gainMapMax, 6)
    expect(iso.gamma).toBeCloseTo(1, 6)
    expect(iso.baseOffset).toBeCloseTo(1 / 64, 6)
    expect(iso.alternateOffset).toBeCloseTo(1 / 64, 6)

    const map = await sharp(decoded.gainMapJpeg).metadata()
    expect([map.format, map.width, map.height, map.channels]).toEqual(['jpeg', 50, 38, 1])

    // sharp (libvips with libultrahdr) finds the gain map on its own: the same bytes our decoder found.
    const meta = await sharp(file).metadata()
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['jpeg', 200, 150, 3])
    expect(meta.gainMap?.image.equals(decoded.gainMapJpeg)).toBe(true)
    // The profile's description is UTF-16BE ('mluc') in sharp's built-in ICC v4 sRGB profile.
    expect(meta.icc?.includes(Buffer.from('sRGB', 'utf16le').swap16())).toBe(true)
  })

  it('uses the given SDR rendition as the base image', async () => {
    const hdr = gradient(64, 16)
    const sdr = new Uint8Array(64 * 16 * 3).fill(128)
    const decoded = await decodeGainMapJpeg(await encodeUltraHdr(hdr, { sdr, quality: 100 }))
    const base = await sharp((await encodeUltraHdr(hdr, { sdr, quality: 100 })).subarray(0, decoded.entries[0].size))
      .raw()
      .toBuffer()
    expect(Math.max(...base.map((v) => Math.abs(v - 128)))).toBeLessThanOrEqual(1)
    expect(quantile(luminanceErrors(hdr, decoded.hdr), 0.5)).toBeLessThanOrEqual(0.01)
  })

  it('defaults the base image to the engine tone mapping', async () => {
    const hdr = highlightScene(64, 48)
    const file = await encodeUltraHdr(hdr, { quality: 100 })
    const decoded = await decodeGainMapJpeg(file)
    const base = await sharp(file.subarray(0, decoded.entries[0].size)).raw().toBuffer()
    const expected = toneMapImage(hdr, DEFAULT_TONEMAP, 8)
    let worst = 0
    for (let i = 0; i < base.length; i++) worst = Math.max(worst, Math.abs(base[i] - expected[i]))
    expect(worst).toBeLessThanOrEqual(3)
  })

  it('caps the boost at maxContentBoost', async () => {
    const hdr = highlightScene(128, 96)
    const decoded = await decodeGainMapJpeg(await encodeUltraHdr(hdr, { maxContentBoost: 2 }))
    expect(decoded.hdrgm.gainMapMax).toBeCloseTo(1, 6)
    let peak = 0
    for (const v of decoded.hdr) peak = Math.max(peak, v)
    expect(peak).toBeLessThan(2.1)
  })

  it('carries prepared EXIF in the primary image, before the XMP', async () => {
    const source = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'Unclip Test', Model: 'Model X' } })
      .toBuffer()
    const exif = prepareExif((await sharp(source).metadata()).exif, { keepGps: false })
    expect(exif).toBeDefined()
    const file = await encodeUltraHdr(gradient(64, 16), { exif })
    const segments = readSegments(file)
    expect(segments[0].marker).toBe(0xe1)
    expect(segments[0].payload.toString('latin1', 0, 6)).toBe('Exif\0\0')
    expect((await sharp(file).metadata()).exif?.toString('latin1')).toContain('Unclip Test')
    expect((await decodeGainMapJpeg(file)).entries[1].start).toBeGreaterThan(0)
  })

  it.skipIf(!hasExiftool)('is read by exiftool as MPF with a gain-map image carrying hdrgm XMP', async () => {
    const hdr = highlightScene(128, 96)
    const file = await encodeUltraHdr(hdr)
    const decoded = await decodeGainMapJpeg(file)
    const path = join(tmp, 'uhdr.jpg')
    writeFileSync(path, file)
    const [info] = JSON.parse(execFileSync('exiftool', ['-j', '-G1', '-n', path]).toString()) as Record<
      string,
      unknown
    >[]
    expect(info['MPF0:NumberOfImages']).toBe(2)
    expect(info['MPImage2:MPImageLength']).toBe(decoded.entries[1].size)
    expect(info['MPImage2:MPImageStart']).toBe(decoded.entries[1].start)
    expect(String(info['XMP-hdrgm:Version'])).toMatch(/^1(\.0)?$/)
    const gainMap = execFileSync('exiftool', ['-b', '-MPImage2', path])
    expect(gainMap.equals(decoded.gainMapJpeg)).toBe(true)
    const gmPath = join(tmp, 'gainmap.jpg')
    writeFileSync(gmPath, gainMap)
    const [gm] = JSON.parse(execFileSync('exiftool', ['-j', '-n', '-XMP-hdrgm:all', gmPath]).toString()) as Record<
      string,
      unknown
    >[]
    expect(gm.GainMapMax).toBeCloseTo(decoded.hdrgm.gainMapMax, 6)
    expect(gm.GainMapMin).toBeCloseTo(decoded.hdrgm.gainMapMin, 6)
    expect(gm.HDRCapacityMax).toBeCloseTo(decoded.hdrgm.hdrCapacityMax, 6)
    expect(gm.BaseRenditionIsHDR).toBe(false)
  })

  it('rejects a wrong-sized SDR image', async () => {
    await expect(encodeUltraHdr(gradient(4, 4), { sdr: new Uint8Array(3) })).rejects.toThrow(
      'Expected 4×4×3 = 48 SDR samples but received 3'
    )
  })

  it('rejects a quality outside 1–100', async () => {
    await expect(encodeUltraHdr(gradient(4, 4), { quality: 0 })).rejects.toThrow(
      'Expected integer between 1 and 100 for quality but received 0'
    )
  })

  it('rejects a non-integer gainMapScale and a maxContentBoost ≤ 1', async () => {
    await expect(encodeUltraHdr(gradient(4, 4), { gainMapScale: 2.5 })).rejects.toThrow(
      'Expected positive integer for gainMapScale but received 2.5'
    )
    await expect(encodeUltraHdr(gradient(4, 4), { maxContentBoost: 1 })).rejects.toThrow(
      'Expected finite number > 1 for maxContentBoost but received 1'
    )
  })
})
