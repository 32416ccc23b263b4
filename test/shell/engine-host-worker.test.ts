/**
 * The app's engine host across a process boundary, for real: `createUtilityEngineHost` drives the
 * real worker entry (src-main/engine-host/worker.ts) in a Node child process. Electron cannot run
 * here, so a `child_process.fork` adapter stands in for `utilityProcess.fork` and
 * support/parent-port-shim.ts gives the worker its `process.parentPort`; messages are structured
 * clones as in Electron (`serialization: 'advanced'`).
 */
import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { constants, tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeRadiance } from '../../src-main/engine/codecs/radiance-decoder'
import type { ProgressEvent } from '../../src-main/engine/types'
import type { EngineHost } from '../../src-main/engine-host/types'
import { createUtilityEngineHost, type ForkWorker, type WorkerProcess } from '../../src-main/engine-host/utility'
import { gradient, imagePipeline } from '../helpers/images'

const SHIM = resolve('test/shell/support/parent-port-shim.ts')
const OPTIONS = { modelsDir: resolve('test/fixtures/models'), model: 'unclip-fixture' }
const TONEMAP = { operator: 'reinhard', exposureEv: 0, whitePoint: Infinity, gamma: 1 } as const
/** Every photo in the batch folder; enough that a cancel sent on the first one lands mid-batch. */
const BATCH_SIZE = 6

/** Children the adapter started, in order. */
const children: ChildProcess[] = []

/**
 * `utilityProcess.fork` for plain Node. A signal death is reported as 128 + signal number, the
 * shell's convention, since `ForkWorker` exits carry a number only.
 */
const adapterFork: ForkWorker = (workerPath, args) => {
  const child = fork(workerPath, args, { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: 'inherit' })
  children.push(child)
  const worker: WorkerProcess = {
    on(event: 'message' | 'exit', listener: (value: never) => void) {
      const emit = listener as (value: unknown) => void
      if (event === 'message') child.on('message', emit)
      else child.on('exit', (code, signal) => emit(code ?? 128 + (signal ? constants.signals[signal] : 0)))
      return worker
    },
    // The callback keeps a send to a dead child from becoming an unhandled 'error' event; the
    // child's 'exit' is what fails the call.
    postMessage: (message) => void child.send(message, () => undefined),
    kill: () => child.kill()
  }
  return worker
}

let dir: string
let photo: string
let bigPhoto: string
let batchDir: string
let outDir: string
let host: EngineHost

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unclip-worker-'))
  photo = join(dir, 'sky.png')
  await imagePipeline(96, 64).png().toFile(photo)
  // Large enough that its conversion is still running when the test kills the worker.
  bigPhoto = join(dir, 'big.png')
  await imagePipeline(1024, 768).png().toFile(bigPhoto)
  batchDir = join(dir, 'batch')
  outDir = join(dir, 'batch-out')
  await mkdir(batchDir)
  await Promise.all(
    Array.from({ length: BATCH_SIZE }, (_, i) =>
      imagePipeline(384, 256, (x, y) => gradient((x + i / BATCH_SIZE) % 1, y))
        .jpeg()
        .toFile(join(batchDir, `photo-${i}.jpg`))
    )
  )
  host = createUtilityEngineHost(SHIM, OPTIONS, adapterFork)
})

afterAll(async () => {
  await host.dispose()
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  await rm(dir, { recursive: true, force: true })
})

/** Every file under `folder`, relative to it. */
async function filesUnder(folder: string): Promise<string[]> {
  return (await readdir(folder, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(folder.length + 1))
    .sort()
}

describe('utility engine host with the real worker in a child process', () => {
  it('starts the worker on first use and reports the fixture model', async () => {
    expect(children).toHaveLength(0)
    const info = await host.info()
    expect(info.model).toEqual({ name: 'unclip-fixture', version: '0.0.1', fixture: true })
    expect(info.modes).toContain('hdr')
    expect(children).toHaveLength(1)
  })

  it('opens and converts a photo: typed arrays survive the boundary and progress arrives', async () => {
    const opened = await host.openImage(photo)
    expect(opened).toMatchObject({
      path: photo,
      width: 96,
      height: 64,
      previewWidth: 96,
      previewHeight: 64,
      metadata: { format: 'png' }
    })
    expect(opened.ldr).toBeInstanceOf(Float32Array)
    expect(opened.ldr.length).toBe(96 * 64 * 3)

    const progress: ProgressEvent[] = []
    const converted = await host.convertImage('c1', { path: photo, mode: 'hdr' }, (event) => progress.push(event))
    expect(converted).toMatchObject({ path: photo, mode: 'hdr', width: 96, height: 64 })
    expect(converted.hdr).toBeInstanceOf(Float32Array)
    expect(converted.hdr.length).toBe(96 * 64 * 3)
    // The gradient's bright corner clips; the fixture boosts it above display white.
    expect(converted.peak).toBeGreaterThan(1)
    expect(progress[0]).toEqual({ index: 0, total: 1, file: photo, stage: 'decode', fraction: 0 })
    expect(progress.some((event) => event.stage === 'inference')).toBe(true)
    expect(progress.at(-1)).toEqual({ index: 0, total: 1, file: photo, stage: 'done', fraction: 1 })
  })

  it('exports a decodable PNG and a Radiance file holding the converted radiance', async () => {
    const { outputs } = await host.exportImage({
      path: photo,
      formats: ['hdr', 'png'],
      tonemap: TONEMAP,
      mode: 'hdr',
      overwrite: false
    })
    expect(outputs.map((output) => basename(output)).sort()).toEqual(['sky.hdr', 'sky.png'])
    const png = outputs.find((output) => output.endsWith('.png'))!
    expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: 96, height: 64 })

    const radiance = decodeRadiance(await readFile(outputs.find((output) => output.endsWith('.hdr'))!))
    expect([radiance.width, radiance.height]).toEqual([96, 64])
    // Same pixels as the preview (not downscaled at this size), within RGBE's 8-bit mantissa:
    // each value is off by at most 1/128 of its pixel's largest channel.
    const converted = await host.convertImage('c2', { path: photo, mode: 'hdr' }, () => undefined)
    for (let i = 0; i < radiance.data.length; i += 3) {
      const scale = Math.max(converted.hdr[i], converted.hdr[i + 1], converted.hdr[i + 2])
      for (let c = 0; c < 3; c++)
        expect(Math.abs(radiance.data[i + c] - converted.hdr[i + c])).toBeLessThanOrEqual(scale / 128 + 1e-6)
    }
  })

  it('cancels a running batch: the result says so and no temporary files are left', async () => {
    let cancelled: boolean | undefined
    const progress: ProgressEvent[] = []
    const result = await host.startBatch(
      'b1',
      {
        inputs: [batchDir],
        formats: ['hdr', 'png'],
        outDir,
        recursive: false,
        overwrite: false,
        mode: 'hdr',
        tonemap: TONEMAP
      },
      (event) => {
        progress.push(event)
        if (event.stage === 'inference' && cancelled === undefined) cancelled = host.cancel('b1')
      }
    )
    expect(cancelled).toBe(true)
    expect(result.cancelled).toBe(true)
    expect(result.failed).toEqual([])
    expect(result.converted.length).toBeLessThan(BATCH_SIZE)
    expect(progress.every((event) => event.total === BATCH_SIZE)).toBe(true)
    // Only the finished photos' outputs: no temp files, no partial outputs.
    const written = result.converted.flatMap((converted) =>
      converted.outputs.map((output) => output.slice(outDir.length + 1))
    )
    expect(await filesUnder(outDir)).toEqual(written.sort())
    expect(await filesUnder(batchDir)).toEqual(Array.from({ length: BATCH_SIZE }, (_, i) => `photo-${i}.jpg`))
    // The job is gone: cancelling it again finds nothing.
    expect(host.cancel('b1')).toBe(false)
  })

  it('fails the call in flight with ENGINE_CRASHED when the worker dies, then starts a fresh one', async () => {
    const first = children.at(-1)!
    const converting = host.convertImage('crash', { path: bigPhoto, mode: 'hdr' }, () => {
      // The worker has the call: kill it before it can answer.
      if (first.exitCode === null && first.signalCode === null) first.kill('SIGKILL')
    })
    await expect(converting).rejects.toMatchObject({
      code: 'ENGINE_CRASHED',
      message: 'The engine stopped unexpectedly (exit code 137); try again.'
    })
    expect(first.signalCode).toBe('SIGKILL')

    expect((await host.info()).model.name).toBe('unclip-fixture')
    expect(children).toHaveLength(2)
    // The crashed job's id is free again, and the new worker converts (its cache is empty).
    const converted = await host.convertImage('crash', { path: photo, mode: 'hdr' }, () => undefined)
    expect(converted.hdr.length).toBe(96 * 64 * 3)
    expect(children).toHaveLength(2)
  })

  it('a worker crash mid-batch keeps the finished photos, fails the one in flight and goes on in a new worker', async () => {
    const crashOut = join(dir, 'crash-out')
    const before = children.length
    let killed = false
    const progress: ProgressEvent[] = []
    const result = await host.startBatch(
      'b-crash',
      {
        inputs: [batchDir],
        formats: ['hdr'],
        outDir: crashOut,
        recursive: false,
        overwrite: false,
        mode: 'hdr',
        tonemap: TONEMAP
      },
      (event) => {
        progress.push(event)
        if (!killed && event.index === 2 && event.stage === 'inference') {
          killed = true
          children.at(-1)!.kill('SIGKILL')
        }
      }
    )
    const photoAt = (i: number): string => join(batchDir, `photo-${i}.jpg`)
    expect(children.length).toBe(before + 1)
    expect(result.converted.map((c) => c.input)).toEqual([0, 1, 3, 4, 5].map(photoAt))
    expect(result.failed).toEqual([
      {
        input: photoAt(2),
        error: {
          code: 'ENGINE_CRASHED',
          message: `The engine stopped unexpectedly (exit code 137) while converting ${photoAt(2)}; the batch went on with the next photo.`
        }
      }
    ])
    expect(progress.filter((e) => e.stage === 'failed').map((e) => e.index)).toEqual([2])
    expect(await filesUnder(crashOut)).toEqual([0, 1, 3, 4, 5].map((i) => `photo-${i}.hdr`))
  })

  /** Runs the batch folder, killing the worker when photo `i` reaches inference for each i in `kills`. */
  async function batchWithKills(
    jobId: string,
    kills: number[],
    afterKill: () => void = () => undefined
  ): Promise<{ result: Awaited<ReturnType<EngineHost['startBatch']>>; out: string }> {
    const out = join(dir, `${jobId}-out`)
    const killedAt = new Set<number>()
    const result = await host.startBatch(
      jobId,
      {
        inputs: [batchDir],
        formats: ['hdr'],
        outDir: out,
        recursive: false,
        overwrite: false,
        mode: 'hdr',
        tonemap: TONEMAP
      },
      (event) => {
        if (kills.includes(event.index) && !killedAt.has(event.index) && event.stage === 'inference') {
          killedAt.add(event.index)
          children.at(-1)!.kill('SIGKILL')
          afterKill()
        }
      }
    )
    return { result, out }
  }
  const photoAt = (i: number): string => join(batchDir, `photo-${i}.jpg`)

  it('a worker that dies on photo after photo is given up on, and the finished photos are still reported', async () => {
    const { result, out } = await batchWithKills('b-crash-4', [1, 2, 3, 4])
    expect(result.converted.map((c) => c.input)).toEqual([photoAt(0)])
    expect(result.failed.map((f) => [f.input, f.error.code])).toEqual([
      ...[1, 2, 3, 4].map((i) => [photoAt(i), 'ENGINE_CRASHED']),
      [photoAt(4), 'ENGINE_CRASHED']
    ])
    expect(result.failed.at(-1)!.error.message).toBe(
      `The engine stopped 4 times in a row; the 1 photo(s) after ${photoAt(4)} were not converted.`
    )
    expect(await filesUnder(out)).toEqual(['photo-0.hdr'])
  })

  it('a cancel sent while the worker restarts after a crash is honoured', async () => {
    const { result, out } = await batchWithKills('b-crash-cancel', [2], () => host.cancel('b-crash-cancel'))
    expect(result.cancelled).toBe(true)
    expect(result.converted.map((c) => c.input)).toEqual([0, 1].map(photoAt))
    expect(result.failed.map((f) => f.input)).toEqual([photoAt(2)])
    expect(await filesUnder(out)).toEqual(['photo-0.hdr', 'photo-1.hdr'])
    // No worker was restarted for the cancelled batch; the next test needs a live one.
    await host.info()
  })

  it('dispose() ends the worker and settles the call in flight as cancelled', async () => {
    const worker = children.at(-1)!
    const exited = once(worker, 'exit')
    let started!: () => void
    const inFlight = new Promise<void>((resolve) => (started = resolve))
    const converting = host.convertImage('shutdown', { path: bigPhoto, mode: 'hdr' }, () => started())
    await inFlight
    await host.dispose()
    await exited
    await expect(converting).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(worker.exitCode !== null || worker.signalCode !== null).toBe(true)
    expect(children.at(-1)).toBe(worker)
  })
})

describe('a worker that stops answering', () => {
  it('is detected by its missing heartbeat, killed and restarted, and the caller is told', async () => {
    const started: ChildProcess[] = []
    // Electron's kill() sends SIGTERM, which a stopped process (SIGSTOP, our stand-in for a hung one)
    // does not act on: the host must not wait for it to exit.
    const termFork: ForkWorker = (workerPath, args) => {
      const worker = adapterFork(workerPath, args)
      const own = children.at(-1)!
      started.push(own)
      return { ...worker, on: worker.on, kill: () => own.kill('SIGTERM') }
    }
    const watched = createUtilityEngineHost(SHIM, OPTIONS, termFork, { stallTimeoutMs: 3000 })
    try {
      await watched.info()
      started[0].kill('SIGSTOP')
      await expect(watched.openImage(photo)).rejects.toMatchObject({
        code: 'ENGINE_CRASHED',
        message: 'The engine stopped answering for 3 s and was restarted; try again.'
      })
      expect(started[0].exitCode === null && started[0].signalCode === null).toBe(true) // still hung
      expect((await watched.openImage(photo)).width).toBe(96)
      expect(started).toHaveLength(2)
    } finally {
      started[0]?.kill('SIGKILL')
      await watched.dispose()
    }
  })
})
