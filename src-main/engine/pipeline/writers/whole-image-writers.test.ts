import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { decodeGainMapJpeg } from '../../../../test/helpers/gainmap-decoder'
import { UnclipError } from '../../errors'
import { encodeExr } from '../../codecs/exr-encoder'
import { createOutputWriter, type WriterContext } from './output-writer'
import { DEFAULT_TONEMAP } from '../../imaging/tonemap'
import type { RgbImage } from '../../types'

const dir = mkdtempSync(path.join(tmpdir(), 'unclip-full-image-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const context = (width: number, height: number): WriterContext => ({
  width,
  height,
  tonemap: DEFAULT_TONEMAP,
  timings: {}
})

function scene(width: number, height: number): RgbImage {
  const data = new Float32Array(width * height * 3)
  for (let i = 0; i < width * height; i++) data.set([(i % width) / 4, 0.2, (i % 7) * 0.5], i * 3)
  return { width, height, data }
}

/** Feeds `image` to the writers in strips of `rows`, reusing one buffer as the engine does. */
async function feed(image: RgbImage, rows: number, writers: { add(strip: RgbImage): Promise<void> }[]): Promise<void> {
  const row = image.width * 3
  const buffer = new Float32Array(rows * row)
  for (let y = 0; y < image.height; y += rows) {
    const n = Math.min(rows, image.height - y)
    const data = buffer.subarray(0, n * row)
    data.set(image.data.subarray(y * row, (y + n) * row))
    for (const writer of writers) await writer.add({ width: image.width, height: n, data })
  }
}

async function thrown(run: () => unknown): Promise<UnclipError> {
  const error = await Promise.resolve()
    .then(run)
    .then(
      () => undefined,
      (e: unknown) => e
    )
  expect(error).toBeInstanceOf(UnclipError)
  return error as UnclipError
}

describe('EXR and Ultra HDR writers', () => {
  it('gather strips from a reused buffer once, shared by both formats', async () => {
    const image = scene(24, 10)
    const shared = context(24, 10)
    const exr = createOutputWriter('exr', path.join(dir, 'a.exr'), shared)
    const ultra = createOutputWriter('jpg-hdr', path.join(dir, 'a-ultrahdr.jpg'), shared)
    await feed(image, 3, [exr, ultra])
    await Promise.all([exr.finish(), ultra.finish()])
    await exr.commit()
    await ultra.commit()
    expect(readFileSync(path.join(dir, 'a.exr'))).toEqual(encodeExr(image, { compression: 'zip', attributes: {} }))
    const decoded = await decodeGainMapJpeg(readFileSync(path.join(dir, 'a-ultrahdr.jpg')))
    expect([decoded.width, decoded.height]).toEqual([24, 10])
    expect(shared.timings.exrEncode).toBeGreaterThan(0)
    expect(shared.timings.jpegEncode).toBeGreaterThan(0)
  })

  it('take a whole image handed to one writer after another (the app export)', async () => {
    const image = scene(8, 6)
    const shared = context(8, 6)
    for (const format of ['exr', 'jpg-hdr'] as const) {
      const writer = createOutputWriter(format, path.join(dir, `b.${format}`), shared)
      await writer.add(image)
      await writer.finish()
      await writer.commit()
    }
    expect(readFileSync(path.join(dir, 'b.exr'))).toEqual(encodeExr(image, { compression: 'zip', attributes: {} }))
  })

  it('refuse images over 100 MP with TOO_LARGE before allocating', async () => {
    const error = await thrown(() => createOutputWriter('jpg-hdr', path.join(dir, 'huge.jpg'), context(12_000, 9_000)))
    expect([error.code, error.message]).toEqual([
      'TOO_LARGE',
      'Image is too large for Ultra HDR JPEG export: 12000×9000 (108 MP); the limit is 100 MP. Export .hdr, PNG or JPEG instead, which are written strip by strip'
    ])
    expect(() => createOutputWriter('hdr', path.join(dir, 'huge.hdr'), context(12_000, 9_000))).not.toThrow()
  })

  it('report missing rows and leave no file behind', async () => {
    const writer = createOutputWriter('exr', path.join(dir, 'c.exr'), context(4, 4))
    await writer.add(scene(4, 2))
    const error = await thrown(() => writer.finish())
    expect([error.code, error.message]).toEqual(['INTERNAL', 'Unexpected end of image: 2 of 4 rows received'])
    await writer.discard()
    expect(readdirSync(dir).filter((f) => f.includes('c.exr'))).toEqual([])
  })
})
