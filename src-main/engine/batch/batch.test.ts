import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import { listFiles, writePhoto } from '../../../test/cli/photos'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { convertBatch } from './batch'
import { createEngine, type Engine } from '../pipeline/engine'
import { UnclipError } from '../errors'
import { decodeRadiance } from '../codecs/radiance-decoder'
import type { BatchOptions, ProgressEvent } from '../types'

const FIXTURE_MODELS = fileURLToPath(new URL('../../../test/fixtures/models', import.meta.url))

let engine: Engine
let dir: string

beforeAll(async () => {
  engine = await createEngine({ modelsDir: FIXTURE_MODELS, model: 'unclip-fixture' })
})
afterAll(async () => {
  await engine.dispose()
})
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unclip-batch-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const options = (over: Partial<BatchOptions> = {}): BatchOptions => ({
  outDir: '',
  formats: ['hdr', 'png'],
  mode: 'hdr',
  overwrite: false,
  recursive: false,
  ...over
})

/** A photo named relative to the test's folder. */
function photo(name: string, width?: number, height?: number): Promise<string> {
  return writePhoto(join(dir, name), width, height)
}

async function expectHdr(path: string, width: number, height: number): Promise<void> {
  const decoded = decodeRadiance(await readFile(path))
  expect([decoded.width, decoded.height]).toEqual([width, height])
}

async function batchError(promise: Promise<unknown>): Promise<UnclipError> {
  const error = await promise.catch((e: unknown) => e)
  if (!(error instanceof UnclipError)) throw new Error(`expected an UnclipError, got ${String(error)}`)
  return error
}

describe('convertBatch', () => {
  it('converts a folder into unclip/ and closes each file with one final event', async () => {
    await photo('a.jpg', 48, 32)
    await photo('b.png', 40, 30)
    const events: ProgressEvent[] = []
    const result = await convertBatch(engine, [dir], options({ onProgress: (e) => events.push(e) }))

    expect(result.failed).toEqual([])
    expect(result.skipped).toEqual([])
    expect(result.cancelled).toBe(false)
    expect(result.converted.map((c) => c.outputs)).toEqual([
      [join(dir, 'unclip', 'a.hdr'), join(dir, 'unclip', 'a.png')],
      [join(dir, 'unclip', 'b.hdr'), join(dir, 'unclip', 'b.png')]
    ])
    await expectHdr(join(dir, 'unclip', 'a.hdr'), 48, 32)
    expect((await sharp(join(dir, 'unclip', 'b.png')).metadata()).width).toBe(40)
    expect(await listFiles(join(dir, 'unclip'))).toEqual(['a.hdr', 'a.png', 'b.hdr', 'b.png'])

    for (const index of [0, 1]) {
      const mine = events.filter((e) => e.index === index)
      const stages = mine.map((e) => e.stage)
      expect(stages.filter((s) => s === 'done' || s === 'failed' || s === 'skipped')).toEqual(['done'])
      expect(stages.at(-1)).toBe('done')
      expect(new Set(stages)).toEqual(new Set(['queued', 'decode', 'inference', 'upsample', 'encode', 'write', 'done']))
      expect(mine.every((e) => e.total === 2 && e.fraction >= 0 && e.fraction <= 1)).toBe(true)
    }
  })

  it('overlaps photos yet reports each from queued to its final event before the next, and writes the same files', async () => {
    // Reduced for the model (over 1024 px), so the second is decoded and inferred during the first one's strips.
    await photo('a.jpg', 1800, 1200)
    await photo('b.jpg', 1500, 1000)
    const events: ProgressEvent[] = []
    const batch = await convertBatch(engine, [dir], options({ onProgress: (e) => events.push(e) }))
    expect(batch.converted).toHaveLength(2)
    const order = events.map((e) => e.index)
    expect(order.indexOf(1)).toBeGreaterThan(order.lastIndexOf(0))
    expect(events.filter((e) => e.index === 0).at(-1)?.stage).toBe('done')

    // One at a time, each photo on its own, gives byte-identical outputs.
    for (const name of ['a', 'b']) {
      const alone = join(dir, `alone-${name}`)
      await convertBatch(engine, [join(dir, `${name}.jpg`)], options({ outDir: alone, outDirExplicit: true }))
      for (const suffix of ['.hdr', '.png'])
        expect(
          (await readFile(join(alone, name + suffix))).equals(await readFile(join(dir, 'unclip', name + suffix)))
        ).toBe(true)
    }
  })

  it('mirrors sub-folders under an explicit output folder', async () => {
    await photo('in/top.jpg')
    await photo('in/trip/day1/deep.jpg')
    const out = join(dir, 'out')
    const result = await convertBatch(
      engine,
      [join(dir, 'in')],
      options({ outDir: out, outDirExplicit: true, recursive: true, formats: ['hdr'] })
    )
    expect(result.converted).toHaveLength(2)
    expect(await listFiles(out)).toEqual(['top.hdr', join('trip', 'day1', 'deep.hdr')])
  })

  it('never replaces existing outputs: the photo is skipped and the file stays byte-identical', async () => {
    await photo('a.jpg')
    await photo('b.jpg')
    await mkdir(join(dir, 'unclip'))
    const mine = Buffer.from('the user edited this file')
    await writeFile(join(dir, 'unclip', 'a.hdr'), mine)
    const events: ProgressEvent[] = []

    const result = await convertBatch(engine, [dir], options({ onProgress: (e) => events.push(e) }))

    expect(result.skipped).toEqual([join(dir, 'a.jpg')])
    expect(result.converted.map((c) => c.input)).toEqual([join(dir, 'b.jpg')])
    expect(await readFile(join(dir, 'unclip', 'a.hdr'))).toEqual(mine)
    expect(await listFiles(join(dir, 'unclip'))).toEqual(['a.hdr', 'b.hdr', 'b.png'])
    expect(events.filter((e) => e.index === 0).map((e) => e.stage)).toEqual(['queued', 'skipped'])
  })

  it('replaces existing outputs with overwrite', async () => {
    await photo('a.jpg', 48, 32)
    await mkdir(join(dir, 'unclip'))
    await writeFile(join(dir, 'unclip', 'a.hdr'), 'old')
    const result = await convertBatch(engine, [dir], options({ overwrite: true }))
    expect(result.converted).toHaveLength(1)
    await expectHdr(join(dir, 'unclip', 'a.hdr'), 48, 32)
  })

  it('goes on past broken files and lists each with its code and message', async () => {
    await photo('a.jpg')
    const garbage = join(dir, 'b.jpg')
    await writeFile(garbage, 'this is not a JPEG at all')
    const truncated = join(dir, 'c.jpg')
    await writeFile(truncated, (await readFile(await photo('whole.jpg', 64, 64))).subarray(0, 400))
    await rm(join(dir, 'whole.jpg'))
    await photo('d.jpg')

    const result = await convertBatch(engine, [dir], options())

    expect(result.converted.map((c) => c.input)).toEqual([join(dir, 'a.jpg'), join(dir, 'd.jpg')])
    expect(result.failed).toEqual([
      {
        input: garbage,
        error: { code: 'NOT_AN_IMAGE', message: `Not an image, or a format Unclip cannot read: ${garbage}` }
      },
      { input: truncated, error: { code: 'CORRUPT_IMAGE', message: `Image is corrupt or truncated: ${truncated}` } }
    ])
    expect(await listFiles(join(dir, 'unclip'))).toEqual(['a.hdr', 'a.png', 'd.hdr', 'd.png'])
  })

  it('cancels mid-file, leaving only finished outputs and no temp files', async () => {
    await photo('a.jpg', 64, 48)
    await photo('b.jpg', 3000, 2000)
    await photo('c.jpg', 64, 48)
    const controller = new AbortController()
    let aborted = false
    const result = await convertBatch(
      engine,
      [dir],
      options({
        signal: controller.signal,
        onProgress: (e) => {
          if (e.index === 1 && e.stage === 'upsample' && !aborted) {
            aborted = true
            controller.abort()
          }
        }
      })
    )

    // Latency is `npm run bench`'s to measure (cancel), not a test's to assert.
    expect(aborted).toBe(true)
    expect(result.cancelled).toBe(true)
    expect(result.converted.map((c) => c.input)).toEqual([join(dir, 'a.jpg')])
    expect(result.failed).toEqual([])
    expect(await listFiles(join(dir, 'unclip'))).toEqual(['a.hdr', 'a.png'])
  })

  it('starts nothing when the signal has already fired', async () => {
    await photo('a.jpg')
    const controller = new AbortController()
    controller.abort()
    const result = await convertBatch(engine, [dir], options({ signal: controller.signal }))
    expect(result).toEqual({ converted: [], failed: [], skipped: [], cancelled: true })
    expect(await listFiles(dir)).toEqual(['a.jpg'])
  })

  it('reports OUTPUT_NOT_WRITABLE when a file stands where the output folder should be', async () => {
    const input = await photo('a.jpg')
    await writeFile(join(dir, 'blocker'), 'a file, not a folder')
    const out = join(dir, 'blocker', 'out')
    const result = await convertBatch(engine, [input], options({ outDir: out, outDirExplicit: true }))
    expect(result.failed).toEqual([
      {
        input,
        error: { code: 'OUTPUT_NOT_WRITABLE', message: `Cannot write to ${out}: a file is in the way of the folder` }
      }
    ])
  })

  it('refuses a missing input and nonsense options before converting anything', async () => {
    const missing = join(dir, 'nope.jpg')
    const notFound = await batchError(convertBatch(engine, [missing], options()))
    expect([notFound.code, notFound.message]).toEqual(['FILE_NOT_FOUND', `File not found: ${missing}`])

    const mode = await batchError(convertBatch(engine, [dir], options({ mode: 'night' as never })))
    expect([mode.code, mode.message]).toEqual(['INVALID_ARGUMENT', 'Unknown mode "night"; expected hdr or lowlight'])

    const overwrite = await batchError(convertBatch(engine, [dir], options({ overwrite: 1 as never })))
    expect([overwrite.code, overwrite.message]).toEqual([
      'INVALID_ARGUMENT',
      'Expected boolean for overwrite but received number'
    ])
  })
})

describe('convertBatch in low-light mode', () => {
  it('writes PNGs brighter than the dark inputs', async () => {
    const raw = Buffer.alloc(40 * 30 * 3, 0)
    for (let i = 0; i < raw.length; i++) raw[i] = 8 + ((i / 3) % 40)
    const input = join(dir, 'night.png')
    await sharp(raw, { raw: { width: 40, height: 30, channels: 3 } })
      .png()
      .toFile(input)
    const result = await convertBatch(engine, [dir], options({ mode: 'lowlight', formats: ['png'] }))
    expect([result.converted.length, result.failed]).toEqual([1, []])
    const mean = async (file: string): Promise<number> =>
      (await sharp(file).stats()).channels.slice(0, 3).reduce((a, c) => a + c.mean, 0) / 3
    expect(await mean(join(dir, 'unclip', 'night.png'))).toBeGreaterThan(2 * (await mean(input)))
  })
})

/** A 1 MiB tmpfs, where writing a big .hdr fails with ENOSPC; needs root and a kernel that allows it. */
function mountTinyTmpfs(path: string): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', path], { stdio: 'pipe' })
    return null
  } catch (error) {
    return `cannot mount a tmpfs here: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`
  }
}

describe('convertBatch on a full disk', () => {
  it('reports DISK_FULL, leaves no temp file and goes on to the next photo', async (context) => {
    const input = await photo('big.jpg', 1200, 900)
    const small = await photo('small.jpg', 16, 16)
    const out = join(dir, 'tiny')
    await mkdir(out)
    const skipReason = mountTinyTmpfs(out)
    if (skipReason) {
      context.skip(skipReason)
      return
    }
    try {
      const result = await convertBatch(
        engine,
        [input, small],
        options({ outDir: out, outDirExplicit: true, formats: ['hdr'] })
      )
      expect(result.failed).toEqual([
        { input, error: { code: 'DISK_FULL', message: `Disk full while writing ${join(out, 'big.hdr')}` } }
      ])
      expect(result.converted.map((c) => c.input)).toEqual([small])
      expect(await listFiles(out)).toEqual(['small.hdr'])
    } finally {
      execFileSync('umount', [out])
    }
  })
})
