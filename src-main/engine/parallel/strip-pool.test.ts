import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { renderRaw } from '../../../test/helpers/images'
import { prng } from '../../../test/helpers/random'
import { UnclipError } from '../errors'
import { downscaleArea } from '../imaging/resample'
import { fitRatioField, prepareRatioGuide, withModelOutput } from '../imaging/ratio-fit'
import { blockBounds, ratioPeak } from '../imaging/ratio-peak'
import { createStripPool, type StripPool } from './strip-pool'
import { computeStrip, type EncodedStrip, type StripJob } from './strip-work'
import { DEFAULT_TONEMAP } from '../imaging/tonemap'
import type { RgbImage } from '../types'

const ENTRY = new URL('./strip-worker-entry.mjs', import.meta.url)
const CRASHING = fileURLToPath(new URL('../../../test/fixtures/workers/crash-on-strip.mjs', import.meta.url))
const pools: StripPool[] = []
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.dispose()))
})

function pool(entry: string | URL, size = 2): StripPool {
  const created = createStripPool(entry, size)
  pools.push(created)
  return created
}

/** A 1200×300 photo with a clipped band, its reduced copy, a made-up "model output" and the fitted field. */
function job(): StripJob {
  const width = 1200
  const height = 300
  const source = {
    width,
    height,
    bits: 8 as const,
    data: renderRaw(width, height, (x, y) =>
      x > 0.7 && y < 0.5 ? [1, 1, 0.97] : [0.2 + 0.5 * x, 0.3 + 0.4 * y, 0.25]
    ) as Uint8Array
  }
  const small = downscaleArea(source, 300, 75)
  const random = prng(11)
  // Highlights boosted by up to 8×, with noise; everything else the linearised input.
  const hdr = Float32Array.from(small.data, (v) =>
    v > 0.95 ? (1 + 7 * random()) * v : Math.pow((v + 0.055) / 1.055, 2.4)
  )
  const field = fitRatioField(small, { width: 300, height: 75, data: hdr })
  return {
    source,
    field,
    encode: {
      rgbe: true,
      png: [
        { bits: 8, tonemap: DEFAULT_TONEMAP },
        { bits: 16, tonemap: DEFAULT_TONEMAP }
      ]
    }
  }
}

interface Collected {
  ys: number[]
  floats: Float32Array
  encoded: EncodedStrip[]
}

async function runAll(p: StripPool, j: StripJob, stripRows: number, signal?: AbortSignal): Promise<Collected> {
  const { width, height } = j.source
  const floats = new Float32Array(width * height * 3)
  const collected: Collected = { ys: [], floats, encoded: [] }
  await p.run(
    j,
    stripRows,
    async (strip: RgbImage, y: number, encoded: EncodedStrip) => {
      collected.ys.push(y)
      floats.set(strip.data, y * width * 3)
      collected.encoded.push(encoded)
    },
    signal
  )
  return collected
}

/** The same strips computed one by one on this thread. */
function inline(j: StripJob, stripRows: number): Collected {
  const { width, height } = j.source
  const floats = new Float32Array(width * height * 3)
  const collected: Collected = { ys: [], floats, encoded: [] }
  for (let y = 0; y < height; y += stripRows) {
    const rows = Math.min(stripRows, height - y)
    collected.ys.push(y)
    collected.encoded.push(computeStrip(j, y, rows, floats.subarray(y * width * 3, (y + rows) * width * 3)))
  }
  return collected
}

/** Encoded bytes only: the per-thread timings differ by nature. */
function bytesOf(encoded: EncodedStrip[]): unknown[] {
  return encoded.map((e) => [
    Buffer.from(e.rgbe ?? []),
    e.png[8] && { ...e.png[8], deflated: Buffer.from(e.png[8].deflated) },
    e.png[16] && { ...e.png[16], deflated: Buffer.from(e.png[16].deflated) }
  ])
}

describe('createStripPool', () => {
  it('gives exactly the strips the calling thread computes, in order', async () => {
    const j = job()
    const expected = inline(j, 37)
    const p = pool(ENTRY)
    await p.ready
    expect(p.size).toBe(2)
    const got = await runAll(p, j, 37)
    expect(got.ys).toEqual(expected.ys)
    expect(Buffer.compare(Buffer.from(got.floats.buffer), Buffer.from(expected.floats.buffer))).toBe(0)
    expect(bytesOf(got.encoded)).toEqual(bytesOf(expected.encoded))
    // The clipped band is boosted and the rest is the linearised input.
    expect(got.floats.reduce((a, b) => Math.max(a, b), 0)).toBeGreaterThan(2)
  })

  it('fits the three channels on threads exactly as on one thread', async () => {
    const j = job()
    const small = downscaleArea(j.source, 300, 75)
    const hdr = { width: 300, height: 75, data: Float32Array.from(small.data, (v) => (v > 0.9 ? 5 * v : v * v)) }
    const p = pool(ENTRY)
    const parallel = await p.fit(withModelOutput(prepareRatioGuide(small), hdr))
    const sequential = fitRatioField(small, hdr)
    expect(Array.from(parallel.coefficients)).toEqual(Array.from(sequential.coefficients))
    expect(Array.from(parallel.flat)).toEqual(Array.from(sequential.flat))
  })

  it("finds the result's peak on threads exactly as ratioPeak does on one thread, also when a thread dies", async () => {
    const j = job()
    const expected = ratioPeak(j.field, j.source)
    const strips = inline(j, 64).floats.reduce((a, b) => Math.max(a, b), 0)
    expect(expected).toBe(strips)
    // Bounds made in two ranges of cell rows are the whole field's.
    const split = blockBounds(j.field, j.source, 0, 40)
    blockBounds(j.field, j.source, 40, j.field.height, split)
    expect(Array.from(split)).toEqual(Array.from(blockBounds(j.field, j.source)))
    const p = pool(ENTRY)
    await p.ready
    expect(await p.peak(j.field, j.source)).toBe(expected)
    const dying = pool(CRASHING)
    await dying.ready
    expect(await dying.peak(j.field, j.source)).toBe(expected)
    expect(dying.size).toBe(0)
    // 16-bit samples and floats take their own tables in the bounds: the same peak as on one thread.
    const { width, height } = j.source
    const wide = { width, height, bits: 16 as const, data: Uint16Array.from(j.source.data, (v) => v * 257 + (v % 3)) }
    const floats = { width, height, data: Float32Array.from(j.source.data, (v) => v / 255) }
    for (const source of [wide, floats]) expect(await p.peak(j.field, source)).toBe(ratioPeak(j.field, source))
    const cancelled = new AbortController()
    cancelled.abort()
    await expect(p.peak(j.field, j.source, cancelled.signal)).rejects.toThrow(/Cancelled/)
  })

  it('computes the strips of a thread that dies on this thread, with the same result', async () => {
    const j = job()
    const expected = inline(j, 50)
    const p = pool(CRASHING)
    await p.ready
    const got = await runAll(p, j, 50)
    expect(p.size).toBe(0)
    expect(Buffer.compare(Buffer.from(got.floats.buffer), Buffer.from(expected.floats.buffer))).toBe(0)
    expect(bytesOf(got.encoded)).toEqual(bytesOf(expected.encoded))
  })

  it('works without threads when the worker script cannot load', async () => {
    const j = job()
    const p = pool(new URL('./no-such-worker.mjs', import.meta.url))
    await p.ready
    expect(p.size).toBe(0)
    const got = await runAll(p, j, 64)
    expect(bytesOf(got.encoded)).toEqual(bytesOf(inline(j, 64).encoded))
  })

  it('stops at the next strip once cancelled, and the pool stays usable', async () => {
    const j = job()
    const p = pool(ENTRY)
    const controller = new AbortController()
    const seen: number[] = []
    const run = p.run(
      j,
      10,
      async (_strip, y) => {
        seen.push(y)
        if (seen.length === 2) controller.abort()
      },
      controller.signal
    )
    await expect(run).rejects.toThrow(new UnclipError('CANCELLED', 'Cancelled by the user.'))
    expect(seen).toEqual([0, 10])
    const again = await runAll(p, j, 100)
    expect(again.ys).toEqual([0, 100, 200])
  })
})
