import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { imagePipeline, type PixelFn } from '../../../test/helpers/images'
import { convertFile, outputPathFor, type ConvertFileOptions } from './convert'
import { createEngine, type Engine } from './engine'
import { decodeRadiance } from '../codecs/radiance-decoder'
import type { ProgressEvent } from '../types'
import { expectError } from '../../../test/helpers/errors'

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/models/', import.meta.url))
const root = mkdtempSync(path.join(tmpdir(), 'unclip-convert-'))
let engine: Engine
let photo: string
beforeAll(async () => {
  engine = await createEngine({ modelsDir: FIXTURES, model: 'unclip-fixture', provider: 'cpu' })
  // Stored 60×40 with a bright (clipping) left half; orientation 6 shows it 40×60, bright on top.
  const brightLeft: PixelFn = (x, y) => (x < 0.5 ? [1, 0.98, 0.9] : [0.2 + 0.2 * y, 0.3, 0.25])
  photo = path.join(root, 'photo.jpg')
  await imagePipeline(60, 40, brightLeft)
    .withExif({ IFD0: { Make: 'Acme', Model: 'Cam 1' } })
    .withMetadata({ orientation: 6 })
    .jpeg({ quality: 95 })
    .toFile(photo)
})
afterAll(async () => {
  await engine.dispose()
  rmSync(root, { recursive: true, force: true })
})

let counter = 0
function outDir(): string {
  const dir = path.join(root, `out${counter++}`)
  return dir
}

function options(dir: string, extra: Partial<ConvertFileOptions> = {}): ConvertFileOptions {
  return {
    outDir: dir,
    outputBase: path.join(dir, 'photo'),
    formats: ['hdr', 'png', 'png16'],
    mode: 'hdr',
    overwrite: false,
    ...extra
  }
}

const listing = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).sort() : [])

describe('convertFile', () => {
  it('names outputs by format', () => {
    expect(outputPathFor('/out/beach', 'hdr')).toBe('/out/beach.hdr')
    expect(outputPathFor('/out/beach', 'png')).toBe('/out/beach.png')
    expect(outputPathFor('/out/beach', 'png16')).toBe('/out/beach-16bit.png')
  })

  it('writes .hdr, 8-bit and 16-bit PNG, rotated, with EXIF (orientation 1) and sRGB ICC', async () => {
    const dir = outDir()
    const events: ProgressEvent[] = []
    const result = await convertFile(
      engine,
      photo,
      options(dir, { index: 2, total: 5, onProgress: (e) => events.push(e) })
    )
    expect(result.outputs).toEqual(['photo.hdr', 'photo.png', 'photo-16bit.png'].map((f) => path.join(dir, f)))
    expect(listing(dir)).toEqual(['photo-16bit.png', 'photo.hdr', 'photo.png'])
    for (const stage of ['decode', 'inference', 'upsample', 'hdrEncode', 'pngEncode', 'write'] as const) {
      expect(result.timings[stage]).toBeGreaterThanOrEqual(0)
    }

    const hdr = decodeRadiance(readFileSync(path.join(dir, 'photo.hdr')))
    expect([hdr.width, hdr.height]).toEqual([40, 60])
    // Bright (clipped) top expanded above 1, dim bottom not.
    expect(hdr.data[3 * (5 * 40 + 20)]).toBeGreaterThan(2)
    expect(hdr.data[3 * (55 * 40 + 20)]).toBeLessThan(0.3)

    for (const [file, depth] of [
      ['photo.png', 'uchar'],
      ['photo-16bit.png', 'ushort']
    ]) {
      const meta = await sharp(path.join(dir, file)).metadata()
      expect([meta.width, meta.height, meta.depth]).toEqual([40, 60, depth])
      expect(meta.icc).toBeDefined()
      expect(meta.orientation ?? 1).toBe(1)
      expect(meta.exif?.includes('Acme')).toBe(true)
    }

    expect(events.every((e) => e.index === 2 && e.total === 5 && e.file === photo)).toBe(true)
    const stages = [...new Set(events.map((e) => e.stage))]
    expect(stages).toEqual(['decode', 'inference', 'upsample', 'encode', 'write', 'done'])
    for (let i = 1; i < events.length; i++) expect(events[i].fraction).toBeGreaterThanOrEqual(events[i - 1].fraction)
    expect(events.at(-1)?.fraction).toBe(1)
  })

  it('refuses to overwrite, leaving the existing file byte-identical and writing nothing else', async () => {
    const dir = outDir()
    mkdirSync(dir)
    const existing = path.join(dir, 'photo.png')
    writeFileSync(existing, 'my precious edit')
    await expectError(
      convertFile(engine, photo, options(dir)),
      'OUTPUT_EXISTS',
      `Output already exists: ${existing} (use --overwrite to replace it)`
    )
    expect(readFileSync(existing, 'utf8')).toBe('my precious edit')
    expect(listing(dir)).toEqual(['photo.png'])

    await convertFile(engine, photo, options(dir, { overwrite: true }))
    expect(readFileSync(existing).subarray(1, 4).toString()).toBe('PNG')
    expect(listing(dir)).toEqual(['photo-16bit.png', 'photo.hdr', 'photo.png'])
  })

  it('never replaces a file that appears while converting (another app saved it meanwhile)', async () => {
    const dir = outDir()
    const late = path.join(dir, 'photo.png')
    const run = convertFile(engine, photo, {
      ...options(dir),
      onProgress: (event) => {
        if (event.stage === 'encode' && !existsSync(late)) writeFileSync(late, 'saved meanwhile')
      }
    })
    await expectError(run, 'OUTPUT_EXISTS', `Output already exists: ${late} (use --overwrite to replace it)`)
    expect(readFileSync(late, 'utf8')).toBe('saved meanwhile')
    // Outputs committed before the clash are complete files; no temporary file is left.
    expect(listing(dir).filter((name) => name.includes('unclip-tmp'))).toEqual([])
  })

  it('leaves no output or temporary file when cancelled mid-way', async () => {
    const dir = outDir()
    const big = path.join(root, 'big.png')
    await imagePipeline(2400, 1800).png({ compressionLevel: 1 }).toFile(big)
    const controller = new AbortController()
    const run = convertFile(
      engine,
      big,
      options(dir, {
        signal: controller.signal,
        onProgress: (e) => e.stage === 'upsample' && e.fraction > 0.6 && controller.abort()
      })
    )
    await expectError(run, 'CANCELLED', 'Cancelled by the user.')
    expect(controller.signal.aborted).toBe(true)
    expect(listing(dir)).toEqual([])
  })

  it('leaves nothing behind when the input is corrupt', async () => {
    const dir = outDir()
    const broken = path.join(root, 'broken.jpg')
    const bytes = readFileSync(photo)
    writeFileSync(broken, bytes.subarray(0, bytes.length - 200))
    await expectError(
      convertFile(engine, broken, options(dir)),
      'CORRUPT_IMAGE',
      `Image is corrupt or truncated: ${broken}`
    )
    expect(listing(dir)).toEqual([])
  })

  it('OUTPUT_NOT_WRITABLE when a file is in the way of the output folder', async () => {
    const blocker = path.join(root, 'blocker')
    writeFileSync(blocker, '')
    const dir = path.join(blocker, 'out')
    await expectError(
      convertFile(engine, photo, options(dir)),
      'OUTPUT_NOT_WRITABLE',
      `Cannot write to ${dir}: a file is in the way of the folder`
    )
  })

  it('rejects a mode the engine does not offer and empty format lists before doing anything', async () => {
    const dir = outDir()
    await expectError(
      convertFile(engine, photo, options(dir, { mode: 'night' as never })),
      'MODE_UNAVAILABLE',
      'Mode "night" is not available with model "unclip-fixture"'
    )
    await expectError(
      convertFile(engine, photo, options(dir, { formats: [] })),
      'INVALID_ARGUMENT',
      'Expected at least one output format but received none'
    )
    expect(existsSync(dir)).toBe(false)
  })

  it('writes byte-identical files with strips on worker threads and on one thread', async () => {
    // 1600×1000 runs the model at 1024×640, so the strips are upsampled (and, by default, threaded).
    const big = path.join(root, 'big.jpg')
    await imagePipeline(1600, 1000, (x, y) =>
      x > 0.6 && y < 0.4 ? [1, 1, 0.95] : [0.15 + 0.6 * x, 0.2 + 0.5 * y, 0.3]
    )
      .jpeg({ quality: 92 })
      .toFile(big)
    const single = await createEngine({
      modelsDir: FIXTURES,
      model: 'unclip-fixture',
      provider: 'cpu',
      stripWorkers: false
    })
    try {
      const [threaded, alone] = [outDir(), outDir()]
      const formats: ConvertFileOptions['formats'] = ['hdr', 'png', 'png16', 'exr']
      const a = await convertFile(engine, big, {
        ...options(threaded, { formats }),
        outputBase: path.join(threaded, 'big')
      })
      const b = await convertFile(single, big, { ...options(alone, { formats }), outputBase: path.join(alone, 'big') })
      expect(a.timings.strips).toBeGreaterThan(0)
      for (const [i, file] of a.outputs.entries())
        expect(Buffer.compare(readFileSync(file), readFileSync(b.outputs[i]))).toBe(0)
      const hdr = decodeRadiance(readFileSync(a.outputs[0]))
      expect([hdr.width, hdr.height]).toEqual([1600, 1000])
      expect(hdr.data.reduce((m, v) => Math.max(m, v), 0)).toBeGreaterThan(2)
    } finally {
      await single.dispose()
    }
  })
})
