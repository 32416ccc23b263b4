/**
 * The app's engine host: the in-process host running in an Electron utility process, so decoding,
 * inference and encoding never block the main process. A crashed worker fails the calls in flight
 * with `ENGINE_CRASHED` and is restarted on the next call. A worker that stops answering (no
 * heartbeat, progress or result for `stallTimeoutMs`) is killed and handled like a crash.
 *
 * A batch survives its worker: `done` and `failed` events carry each photo's outcome, so when the
 * worker dies the photos already finished stay in the result, the photo being converted is listed
 * as failed with the reason, and the batch goes on in a fresh worker from the next photo.
 *
 * The process is started through an injected `ForkWorker` rather than by importing electron here:
 * outside Electron the `electron` package has no `utilityProcess` export (it is the binary's path,
 * and throws when the binary is missing), and this module is tested under plain Node with a
 * `child_process` adapter (test/shell/engine-host-worker.test.ts). The app passes
 * `utilityProcess.fork` from src-main/index.ts.
 */
import { ShellError } from '../ipc/app-error'
import type { FromWorker, ToWorker, WorkerMethod } from './protocol'
import type { BatchResult, ProgressEvent } from '../engine/types'
import type { EngineHost, EngineHostOptions, ProgressListener } from './types'

/** The worker answers at least this often (`HEARTBEAT_MS` in worker.ts) while it is alive. */
const DEFAULT_STALL_TIMEOUT_MS = 60_000
/** A batch whose worker keeps dying, with no photo finished in between, gives up after this many restarts. */
const MAX_BATCH_RESTARTS = 3

/** The part of Electron's `UtilityProcess` this host uses. */
export interface WorkerProcess {
  on(event: 'message', listener: (message: FromWorker) => void): unknown
  /** `code` is the process's exit code (Electron's utility process reports a number). */
  on(event: 'exit', listener: (code: number) => void): unknown
  postMessage(message: ToWorker): void
  kill(): boolean
}

/** Starts the worker entry at `workerPath` with `args` as its argv[2...]. */
export type ForkWorker = (workerPath: string, args: string[]) => WorkerProcess

interface Pending {
  resolve(value: unknown): void
  reject(error: Error): void
  /** The worker the call went to: only its exit fails the call. */
  worker: WorkerProcess
}

/**
 * @param workerPath - the built worker entry (`out/main/engine-worker.js`)
 * @param options - passed to the worker's in-process host
 * @param fork - starts a worker; called again after a crash (the app: `utilityProcess.fork`)
 * @example createUtilityEngineHost(paths.engineWorker, { modelsDir }, (path, args) => utilityProcess.fork(path, args))
 */
export function createUtilityEngineHost(
  workerPath: string,
  options: EngineHostOptions,
  fork: ForkWorker,
  liveness: { stallTimeoutMs?: number } = {}
): EngineHost {
  const stallTimeoutMs = liveness.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS
  let hostOptions = { ...options }
  let child: WorkerProcess | undefined
  let nextId = 1
  let disposing = false
  let lastHeard = Date.now()
  let watchdog: ReturnType<typeof setInterval> | undefined
  const pending = new Map<number, Pending>()
  const listeners = new Map<string, ProgressListener>()

  /** Fails every call waiting on `worker` with `error`. */
  const failCalls = (worker: WorkerProcess, error: ShellError): void => {
    for (const [id, call] of pending) {
      if (call.worker !== worker) continue
      pending.delete(id)
      call.reject(error)
    }
  }

  /**
   * Once the current worker has been silent for `stallTimeoutMs` with calls waiting on it, its calls
   * fail at once and the next call starts a fresh worker, whether or not the silent one ever exits.
   */
  const watch = (): void => {
    if (watchdog) return
    watchdog = setInterval(
      () => {
        const worker = child
        if (!worker || Date.now() - lastHeard < stallTimeoutMs) return
        if (![...pending.values()].some((call) => call.worker === worker)) return
        child = undefined
        failCalls(
          worker,
          new ShellError(
            'ENGINE_CRASHED',
            `The engine stopped answering for ${Math.round(stallTimeoutMs / 1000)} s and was restarted; try again.`
          )
        )
        worker.kill()
      },
      Math.min(1000, stallTimeoutMs / 4)
    )
    watchdog.unref?.()
  }

  const spawn = (): WorkerProcess => {
    const worker = fork(workerPath, [JSON.stringify(hostOptions)])
    lastHeard = Date.now()
    watch()
    worker.on('message', (message) => {
      if (child === worker) lastHeard = Date.now()
      if (message.kind === 'heartbeat') return
      if (message.kind === 'progress') {
        listeners.get(message.jobId)?.(message.event)
        return
      }
      const call = pending.get(message.id)
      if (!call) return
      pending.delete(message.id)
      if (message.ok) call.resolve(message.value)
      else call.reject(new ShellError(message.error.code, message.error.message))
    })
    worker.on('exit', (code) => {
      if (child === worker) child = undefined
      // Calls still running when the host is shut down are cancelled, not reported as a crash.
      const shutDown = disposing
      disposing = false
      failCalls(
        worker,
        shutDown
          ? new ShellError('CANCELLED', 'Cancelled: the engine was shut down.')
          : new ShellError('ENGINE_CRASHED', `The engine stopped unexpectedly (exit code ${code}); try again.`)
      )
    })
    return worker
  }

  const call = <T>(method: WorkerMethod, ...args: unknown[]): Promise<T> => {
    if (!child) {
      child = spawn()
      // A worker started by this call must not look stalled for the time the last one was silent.
      lastHeard = Date.now()
    }
    const worker = child
    const id = nextId++
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject, worker })
      worker.postMessage({ kind: 'call', id, method, args } satisfies ToWorker)
    })
  }

  /** Jobs the user cancelled: remembered on this side, so a cancel sent while a worker restarts is not lost. */
  const cancelled = new Set<string>()

  const job = <T>(jobId: string, onProgress: ProgressListener, run: () => Promise<T>): Promise<T> => {
    if (listeners.has(jobId))
      return Promise.reject(new ShellError('JOB_EXISTS', `A job with id "${jobId}" is already running.`))
    listeners.set(jobId, onProgress)
    return run().finally(() => {
      listeners.delete(jobId)
      cancelled.delete(jobId)
    })
  }

  /**
   * Runs a batch in the worker, keeping each photo's outcome from its final progress event; if the
   * worker dies, the photo it was on is failed with the reason and the batch resumes after it.
   */
  const resumableBatch = async (
    jobId: string,
    request: Parameters<EngineHost['startBatch']>[1],
    onProgress: ProgressListener
  ): Promise<BatchResult> => {
    const record: BatchResult = { converted: [], failed: [], skipped: [], cancelled: false }
    let current: ProgressEvent | undefined
    let finalSeen = -1
    listeners.set(jobId, (event) => {
      current = event
      if (event.stage === 'done')
        record.converted.push({ input: event.file, outputs: event.outputs ?? [], timings: {} })
      if (event.stage === 'failed' && event.error) record.failed.push({ input: event.file, error: event.error })
      if (event.stage === 'skipped') record.skipped.push(event.file)
      if (event.stage === 'done' || event.stage === 'failed' || event.stage === 'skipped') finalSeen = event.index
      onProgress(event)
    })
    let startAt = request.startAt ?? 0
    // Crashes since the last photo that finished: a worker that dies on every photo is given up on, one
    // that dies now and then in a long batch is not.
    let crashesInARow = 0
    let lastCrashFinal = -1
    for (let runs = 0; ; runs++) {
      try {
        const rest = await call<BatchResult>('startBatch', jobId, { ...request, startAt })
        // The worker's own result has the timings; the record only what came before a crash.
        return runs === 0 ? rest : mergeResults(record, rest)
      } catch (error) {
        const crash = error instanceof ShellError && error.code === 'ENGINE_CRASHED'
        if (!crash || !current) throw error
        const lost = current.index > finalSeen ? current : undefined
        if (lost) {
          const failure = {
            code: 'ENGINE_CRASHED' as const,
            message: `${error.message.replace(/; try again\.$/, '')} while converting ${lost.file}; the batch went on with the next photo.`
          }
          record.failed.push({ input: lost.file, error: failure })
          onProgress({
            index: lost.index,
            total: lost.total,
            file: lost.file,
            stage: 'failed',
            fraction: 1,
            error: failure
          })
          finalSeen = lost.index
        }
        crashesInARow = finalSeen > lastCrashFinal + 1 ? 1 : crashesInARow + 1
        lastCrashFinal = finalSeen
        const remaining = current.total - (finalSeen + 1)
        if (remaining <= 0) return record
        if (cancelled.has(jobId)) return { ...record, cancelled: true }
        if (crashesInARow > MAX_BATCH_RESTARTS) {
          // Give up, but keep what finished: the record goes back with the rest named as not converted.
          record.failed.push({
            input: current.file,
            error: {
              code: 'ENGINE_CRASHED',
              message: `The engine stopped ${crashesInARow} times in a row; the ${remaining} photo(s) after ${current.file} were not converted.`
            }
          })
          return record
        }
        startAt = finalSeen + 1
      }
    }
  }

  return {
    info: () => call('info'),
    openImage: (path) => call('openImage', path),
    convertImage: (jobId, request, onProgress) => job(jobId, onProgress, () => call('convertImage', jobId, request)),
    exportImage: (request) => call('exportImage', request),
    readRegion: (request) => call('readRegion', request),
    saveAndReturn: (request) => call('saveAndReturn', request),
    startBatch: (jobId, request, onProgress) =>
      job(jobId, onProgress, () => resumableBatch(jobId, request, onProgress)),
    cancel(jobId) {
      if (!listeners.has(jobId)) return false
      cancelled.add(jobId)
      child?.postMessage({ kind: 'cancel', jobId } satisfies ToWorker)
      return true
    },
    configure(update) {
      hostOptions = { ...hostOptions, ...update }
      if (child) void call('configure', update)
    },
    async dispose() {
      disposing = true
      if (watchdog) clearInterval(watchdog)
      watchdog = undefined
      const worker = child
      if (!worker) return
      await Promise.race([call('dispose'), new Promise((resolve) => setTimeout(resolve, 2000))]).catch(() => undefined)
      worker.kill()
    }
  }
}

/** The record of photos finished before the crash, then the resumed worker's own result. */
function mergeResults(record: BatchResult, rest: BatchResult): BatchResult {
  const resumed = new Set([...rest.converted.map((c) => c.input), ...rest.failed.map((f) => f.input), ...rest.skipped])
  return {
    converted: [...record.converted.filter((c) => !resumed.has(c.input)), ...rest.converted],
    failed: [...record.failed.filter((f) => !resumed.has(f.input)), ...rest.failed],
    skipped: [...record.skipped.filter((input) => !resumed.has(input)), ...rest.skipped],
    cancelled: rest.cancelled,
    ...(rest.warnings ? { warnings: rest.warnings } : {})
  }
}
