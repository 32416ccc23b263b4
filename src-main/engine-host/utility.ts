/**
 * The app's engine host: the in-process host running in an Electron utility process, so decoding,
 * inference and encoding never block the main process. A crashed worker fails the calls in flight
 * with `ENGINE_CRASHED` and is restarted on the next call.
 *
 * The process is started through an injected `ForkWorker` rather than by importing electron here:
 * outside Electron the `electron` package has no `utilityProcess` export (it is the binary's path,
 * and throws when the binary is missing), and this module is tested under plain Node with a
 * `child_process` adapter (test/shell/engine-host-worker.test.ts). The app passes
 * `utilityProcess.fork` from src-main/index.ts.
 */
import { ShellError } from '../ipc/app-error'
import type { FromWorker, ToWorker, WorkerMethod } from './protocol'
import type { EngineHost, EngineHostOptions, ProgressListener } from './types'

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
}

/**
 * @param workerPath - the built worker entry (`out/main/engine-worker.js`)
 * @param options - passed to the worker's in-process host
 * @param fork - starts a worker; called again after a crash (the app: `utilityProcess.fork`)
 * @example createUtilityEngineHost(paths.engineWorker, { modelsDir }, (path, args) => utilityProcess.fork(path, args))
 */
export function createUtilityEngineHost(workerPath: string, options: EngineHostOptions, fork: ForkWorker): EngineHost {
  let hostOptions = { ...options }
  let child: WorkerProcess | undefined
  let nextId = 1
  let disposing = false
  const pending = new Map<number, Pending>()
  const listeners = new Map<string, ProgressListener>()

  const spawn = (): WorkerProcess => {
    const worker = fork(workerPath, [JSON.stringify(hostOptions)])
    worker.on('message', (message) => {
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
      const error = shutDown
        ? new ShellError('CANCELLED', 'Cancelled: the engine was shut down.')
        : new ShellError('ENGINE_CRASHED', `The engine stopped unexpectedly (exit code ${code}); try again.`)
      for (const call of pending.values()) call.reject(error)
      pending.clear()
      listeners.clear()
    })
    return worker
  }

  const call = <T>(method: WorkerMethod, ...args: unknown[]): Promise<T> => {
    child ??= spawn()
    const worker = child
    const id = nextId++
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
      worker.postMessage({ kind: 'call', id, method, args } satisfies ToWorker)
    })
  }

  const job = <T>(jobId: string, onProgress: ProgressListener, run: () => Promise<T>): Promise<T> => {
    if (listeners.has(jobId))
      return Promise.reject(new ShellError('JOB_EXISTS', `A job with id "${jobId}" is already running.`))
    listeners.set(jobId, onProgress)
    return run().finally(() => listeners.delete(jobId))
  }

  return {
    info: () => call('info'),
    openImage: (path) => call('openImage', path),
    convertImage: (jobId, request, onProgress) => job(jobId, onProgress, () => call('convertImage', jobId, request)),
    exportImage: (request) => call('exportImage', request),
    saveAndReturn: (request) => call('saveAndReturn', request),
    startBatch: (jobId, request, onProgress) => job(jobId, onProgress, () => call('startBatch', jobId, request)),
    cancel(jobId) {
      if (!listeners.has(jobId) || !child) return false
      child.postMessage({ kind: 'cancel', jobId } satisfies ToWorker)
      return true
    },
    configure(update) {
      hostOptions = { ...hostOptions, ...update }
      if (child) void call('configure', update)
    },
    async dispose() {
      disposing = true
      const worker = child
      if (!worker) return
      await Promise.race([call('dispose'), new Promise((resolve) => setTimeout(resolve, 2000))]).catch(() => undefined)
      worker.kill()
    }
  }
}
