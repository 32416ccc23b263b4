import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createInProcessEngineHost } from '../../src-main/engine-host/in-process'
import { decodeRadiance } from '../../src-main/engine/codecs/radiance-decoder'
import { createEngine, type Engine } from '../../src-main/engine/pipeline/engine'
import { decodeImage } from '../../src-main/engine/pipeline/decode'
import { convertFile, reducedSizeFor } from '../../src-main/engine/pipeline/convert'
import { autoWhitePoint, DEFAULT_TONEMAP, peakOf } from '../../src-main/engine/imaging/tonemap'
import sharp from 'sharp'
import { downscaleArea } from '../../src-main/engine/imaging/resample'
import { PREVIEW_MAX_SIDE } from '../../src-preload/contract'
import { imagePipeline } from '../helpers/images'

const models = { modelsDir: 'test/fixtures/models', model: 'unclip-fixture' }
const host = createInProcessEngineHost(models)
let engine: Engine
let dir: string
let photo: string
/** Larger than the preview, with a clipped sun and fine stripes the preview cannot hold. */
const [WIDTH, HEIGHT] = [2600, 1400]

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unclip-host-preview-'))
  photo = join(dir, 'sun.png')
  await imagePipeline(WIDTH, HEIGHT, (x, y) => {
    const sun = (x - 0.7) ** 2 + (y - 0.3) ** 2 < 0.01 ? 1 : 0
    const stripe = Math.floor(x * WIDTH) % 2 === 0 ? 0.1 : 0
    return [0.3 + 0.5 * x + sun + stripe, 0.4 * y + sun, 0.5 + sun]
  })
    .png()
    .toFile(photo)
  engine = await createEngine({ ...models, warmUp: false })
})

afterAll(async () => {
  await host.dispose()
  await engine.dispose()
  await rm(dir, { recursive: true, force: true })
})

/** The photo as the app and `convertFile` decode it: with the model's copy reduced while decoding. */
const decodeForModel = () =>
  decodeImage(photo, { reducedSize: (width, height) => reducedSizeFor(engine, width, height) })

describe('the first result at preview size', () => {
  it('has the full-resolution peak, and export and 1:1 regions give the full-resolution result', async () => {
    await host.openImage(photo)
    const converted = await host.convertImage('first', { path: photo, mode: 'hdr' }, () => undefined)
    expect([converted.previewWidth, converted.previewHeight]).toEqual([PREVIEW_MAX_SIDE, 1103])
    expect(converted.hdr.length).toBe(PREVIEW_MAX_SIDE * 1103 * 3)

    const { image: input, reduced } = await decodeForModel()
    let summaryPeak = 0
    const full = await engine.predict(input, {
      reduced,
      beforeStrips: async (summary) => void (summaryPeak = await summary.peak())
    })
    // Exactly the full resolution's, found before it was made, as a batch or the CLI find it.
    expect(converted.peak).toBe(peakOf(full.data))
    expect(converted.peak).toBe(summaryPeak)
    expect(converted.peak).toBeGreaterThan(1)

    // The field applied at preview size against the full result reduced: they differ only where a
    // preview pixel averages very different ratios (the sun's rim), since the preview averages the
    // photo before the ratio and the reduction after it.
    const fullReduced = downscaleArea(full, PREVIEW_MAX_SIDE, 1103).data
    const off = (i: number): number => Math.abs(converted.hdr[i] - fullReduced[i]) / Math.max(1, fullReduced[i])
    const offs = Float64Array.from(fullReduced, (_, i) => off(i)).sort()
    expect(offs[Math.floor(offs.length * 0.99)]).toBeLessThan(0.01)

    const region = await host.readRegion({ path: photo, mode: 'hdr', x: 1700, y: 300, width: 64, height: 48 })
    for (let row = 0; row < 48; row++) {
      const from = ((300 + row) * WIDTH + 1700) * 3
      expect(region.hdr?.subarray(row * 64 * 3, (row + 1) * 64 * 3)).toEqual(full.data.subarray(from, from + 64 * 3))
      // Its input is cut from the photo's samples: the very values of the photo's float copy.
      expect(region.ldr.subarray(row * 64 * 3, (row + 1) * 64 * 3)).toEqual(input.data.subarray(from, from + 64 * 3))
    }

    const { outputs } = await host.exportImage({
      path: photo,
      formats: ['hdr'],
      tonemap: { operator: 'reinhard', exposureEv: 0, whitePoint: converted.peak, gamma: 1 },
      mode: 'hdr',
      outDir: dir,
      overwrite: true
    })
    const written = decodeRadiance(await readFile(outputs[0]))
    expect([written.width, written.height]).toEqual([WIDTH, HEIGHT])
    expect(peakOf(written.data)).toBeCloseTo(converted.peak, 0)
  })

  it('converts again from the kept full resolution, with the same peak', async () => {
    const again = await host.convertImage('again', { path: photo, mode: 'hdr' }, () => undefined)
    const { image: input, reduced } = await decodeForModel()
    let summaryPeak = 0
    await engine.predict(input, { reduced, beforeStrips: async (summary) => void (summaryPeak = await summary.peak()) })
    expect(again.peak).toBe(summaryPeak)
  })

  it('writes the PNG a batch writes for the photo, with the same automatic white point', async () => {
    const converted = await host.convertImage('shown', { path: photo, mode: 'hdr' }, () => undefined)
    const tonemap = { ...DEFAULT_TONEMAP, whitePoint: autoWhitePoint(converted.peak, 0) }
    const exported = await host.exportImage({
      path: photo,
      formats: ['png'],
      tonemap,
      mode: 'hdr',
      outDir: join(dir, 'app'),
      overwrite: true
    })
    const batch = await convertFile(engine, photo, {
      outDir: join(dir, 'batch'),
      outputBase: join(dir, 'batch', 'sun'),
      formats: ['png'],
      mode: 'hdr',
      overwrite: true,
      tonemap: DEFAULT_TONEMAP,
      autoWhitePoint: true
    })
    expect(batch.tonemap).toEqual(tonemap)
    const pixels = async (file: string): Promise<Buffer> => sharp(file).raw().toBuffer()
    expect((await pixels(batch.outputs[0])).equals(await pixels(exported.outputs[0]))).toBe(true)
  })
})
