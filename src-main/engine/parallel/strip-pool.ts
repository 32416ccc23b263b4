/**
 * Spreads a photo's full-resolution strips over worker threads, so upsampling and encoding use
 * every core instead of one. Strips are computed out of order but handed to the sink in order;
 * the input, the ratio field and the strip buffers live in shared memory.
 *
 * A worker that fails to start or dies mid-job costs speed, never a result: its strips are
 * computed again on the calling thread with the same code (`strip-work.ts`).
 */
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { throwIfAborted } from '../errors'
import type { RatioField } from '../imaging/guided-upsample'
import { finishRatioField, fitRatioChannel, type RatioFitInputs } from '../imaging/ratio-fit'
import { blockBounds, ratioPeak } from '../imaging/ratio-peak'
import type { StripReply, StripRequest } from './strip-protocol'
import { computeStrip, type EncodedStrip, type StripJob } from './strip-work'
import type { PixelSource, RgbImage } from '../types'

/** Receives strips in order; the strip's buffer is reused after the returned promise settles. */
export type EncodedStripSink = (strip: RgbImage, y: number, encoded: EncodedStrip) => Promise<void>

export interface StripPool {
  /** Worker threads still alive. */
  readonly size: number
  /** Settles once every thread has loaded or failed (or after `READY_TIMEOUT_MS`); never rejects. */
  readonly ready: Promise<void>
  /**
   * Computes every strip of `job`, `stripRows` rows each, and hands them to `sink` top to bottom.
   * @throws UnclipError `CANCELLED` when `signal` fires (strips in flight finish in the background).
   */
  run(job: StripJob, stripRows: number, sink: EncodedStripSink, signal?: AbortSignal): Promise<void>
  /** Fits the three channels of a ratio field at once: two on threads, one on the calling thread. */
  fit(inputs: RatioFitInputs): Promise<RatioField>
  /**
   * `ratioPeak`, bit for bit, with its per-block bounds (most of its work) split over the threads:
   * the automatic white point's peak, computed while the threads would otherwise wait for it.
   */
  peak(field: RatioField, source: PixelSource, signal?: AbortSignal): Promise<number>
  dispose(): Promise<void>
}

/** Strips in flight per thread: one computing, the rest queued, so no thread waits while the sink writes. */
const IN_FLIGHT_PER_WORKER = 3
/** More threads than this buys little: deflate and memory bandwidth become the limit. */
const MAX_WORKERS = 4
/** A thread still loading after this is waited for no longer (strips queue for it meanwhile). */
const READY_TIMEOUT_MS = 20_000

interface Task {
  resolve: (encoded: EncodedStrip | undefined) => void
  reject: (error: Error) => void
}

interface PoolWorker {
  worker: Worker
  tasks: Map<string, Task>
  alive: boolean
  /** Settles when the thread says it has loaded, or fails. */
  loaded: Promise<void>
  markLoaded: () => void
}

/**
 * Starts the worker threads (they load while the model runs).
 * @param entry The worker's entry script: `strip-worker-entry.mjs` beside this file when running
 *   from source, else the bundled `strip-worker.js` (the app passes its path).
 * @param size Threads to start (default: the cores, at most 4).
 * @returns The pool; call `dispose()` when done.
 */
export function createStripPool(entry: string | URL, size = Math.min(availableParallelism(), MAX_WORKERS)): StripPool {
  const workers: PoolWorker[] = []
  for (let i = 0; i < size; i++) workers.push(startWorker(entry))
  let nextJob = 1

  const live = (): PoolWorker[] => workers.filter((w) => w.alive)

  function post(w: PoolWorker, message: StripRequest): void {
    try {
      w.worker.postMessage(message)
    } catch (error) {
      fail(w, error instanceof Error ? error : new Error(String(error)))
    }
  }

  let nextTask = 1
  /**
   * Sends a task to the least busy live thread; `here` does the same work on this thread, used when
   * no thread is alive or the chosen one dies first. A task that fails in a live thread fails here too.
   */
  function dispatch<T>(request: (id: string) => StripRequest, here: () => T): Promise<T> {
    const candidates = live()
    if (candidates.length === 0) return Promise.resolve().then(here)
    const w = candidates.reduce((best, c) => (c.tasks.size < best.tasks.size ? c : best))
    const id = String(nextTask++)
    const done = new Promise<EncodedStrip | undefined>((resolve, reject) => {
      w.tasks.set(id, { resolve, reject })
      w.worker.ref()
      post(w, request(id))
    })
    return done.then(
      (value) => value as T,
      (error: Error) => (w.alive ? Promise.reject(error) : here())
    )
  }

  let timer: NodeJS.Timeout | undefined
  const ready = Promise.race([
    Promise.all(workers.map((w) => w.loaded)).then(() => undefined),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, READY_TIMEOUT_MS).unref()))
  ]).finally(() => clearTimeout(timer))

  return {
    get size() {
      return live().length
    },
    ready,

    async run(job, stripRows, sink, signal) {
      const { width, height } = job.source
      const shared: StripJob = { ...job, source: shareSource(job.source), field: shareField(job.field) }
      const jobId = nextJob++
      for (const w of live()) post(w, { type: 'job', jobId, job: shared })
      const total = Math.ceil(height / stripRows)
      const window = Math.max(1, live().length * IN_FLIGHT_PER_WORKER)
      const slots = Array.from(
        { length: Math.min(window, total) },
        () => new Float32Array(new SharedArrayBuffer(stripRows * width * 3 * 4))
      )
      const pending = new Map<number, Promise<EncodedStrip>>()
      let launched = 0
      try {
        for (let index = 0; index < total; index++) {
          throwIfAborted(signal)
          while (launched < total && launched < index + slots.length) {
            const y0 = launched * stripRows
            const rows = Math.min(stripRows, height - y0)
            const out = slots[launched % slots.length].subarray(0, rows * width * 3)
            pending.set(
              launched,
              dispatch(
                (id) => ({ type: 'strip', id, jobId, y0, rows, out }),
                () => computeStrip(shared, y0, rows, out)
              )
            )
            launched++
          }
          const encoded = await pending.get(index)!
          pending.delete(index)
          throwIfAborted(signal)
          const y0 = index * stripRows
          const rows = Math.min(stripRows, height - y0)
          await sink(
            { width, height: rows, data: slots[index % slots.length].subarray(0, rows * width * 3) },
            y0,
            encoded
          )
        }
      } finally {
        // Strips still in flight after a cancel or failure are left to finish; their results are dropped.
        for (const promise of pending.values()) promise.catch(() => undefined)
        for (const w of live()) post(w, { type: 'end', jobId })
      }
    },

    async fit(inputs) {
      const threads = [0, 1].map((c) =>
        dispatch(
          (id) => ({ type: 'fit', id, inputs, channel: c }),
          () => fitRatioChannel(inputs, c)
        )
      )
      fitRatioChannel(inputs, 2)
      await Promise.all(threads)
      return finishRatioField(inputs)
    },

    async peak(field, source, signal) {
      throwIfAborted(signal)
      const shared = { field: shareField(field), source: shareSource(source) }
      const bounds = new Float64Array(new SharedArrayBuffer(field.width * field.height * 8))
      const parts = Math.max(1, live().length)
      const rowsEach = Math.ceil(field.height / parts)
      await Promise.all(
        Array.from({ length: parts }, (_, part) => {
          const ya0 = Math.min(field.height, part * rowsEach)
          const ya1 = Math.min(field.height, ya0 + rowsEach)
          return dispatch(
            (id) => ({ type: 'bounds', id, ...shared, ya0, ya1, out: bounds }),
            () => void blockBounds(shared.field, shared.source, ya0, ya1, bounds)
          )
        })
      )
      throwIfAborted(signal)
      return ratioPeak(shared.field, shared.source, bounds)
    },

    async dispose() {
      for (const w of workers) w.alive = false
      // Referenced again: an idle worker is unreferenced, and its exit must still be awaited.
      for (const w of workers) w.worker.ref()
      await Promise.all(workers.map((w) => w.worker.terminate()))
    }
  }

  function startWorker(script: string | URL): PoolWorker {
    let markLoaded = (): void => undefined
    const loaded = new Promise<void>((resolve) => (markLoaded = resolve))
    const w: PoolWorker = { worker: new Worker(script), tasks: new Map(), alive: true, loaded, markLoaded }
    w.worker.unref()
    w.worker.on('message', (reply: StripReply) => {
      if (reply.type === 'ready') {
        w.markLoaded()
        return
      }
      const task = w.tasks.get(reply.id)
      if (!task) return
      w.tasks.delete(reply.id)
      // Unreferenced when idle, so an idle pool never keeps the process alive; not once disposing,
      // so a late answer cannot let the process exit before `terminate()` settles.
      if (w.tasks.size === 0 && w.alive) w.worker.unref()
      if (reply.type === 'done') task.resolve(reply.encoded)
      else task.reject(new Error(reply.message))
    })
    w.worker.on('error', (error) => fail(w, error))
    w.worker.on('exit', (code) => fail(w, new Error(`strip worker exited with code ${code}`)))
    return w
  }

  function fail(w: PoolWorker, error: Error): void {
    w.alive = false
    w.markLoaded()
    const tasks = [...w.tasks.values()]
    w.tasks.clear()
    for (const task of tasks) task.reject(error)
  }
}

function shareSource(source: PixelSource): PixelSource {
  return { ...source, data: toShared(source.data) } as PixelSource
}

function shareField(field: RatioField): RatioField {
  return { ...field, coefficients: toShared(field.coefficients), flat: toShared(field.flat) }
}

/** The same values in shared memory (as they are when already shared). */
function toShared<T extends Uint8Array | Uint16Array | Float32Array>(array: T): T {
  if (array.buffer instanceof SharedArrayBuffer) return array
  const memory = new SharedArrayBuffer(array.byteLength)
  // By element type, not constructor: sharp hands over Buffers, a Uint8Array subclass.
  const copy =
    array instanceof Float32Array
      ? new Float32Array(memory)
      : array instanceof Uint16Array
        ? new Uint16Array(memory)
        : new Uint8Array(memory)
  copy.set(array)
  return copy as T
}
