/**
 * Messages between the main process and the engine worker (structured clone, so typed arrays
 * travel as they are).
 */
import type { AppError } from '../../src-preload/contract'
import type { ProgressEvent } from '../engine/types'
import type { EngineHost } from './types'

/** Host methods the worker serves (cancel has its own message; it must not queue behind calls). */
export type WorkerMethod =
  | 'info'
  | 'openImage'
  | 'convertImage'
  | 'exportImage'
  | 'saveAndReturn'
  | 'startBatch'
  | 'configure'
  | 'dispose'
  | 'readRegion'

export type ToWorker =
  { kind: 'call'; id: number; method: WorkerMethod; args: unknown[] } | { kind: 'cancel'; jobId: string }

export type FromWorker =
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: AppError }
  | { kind: 'progress'; jobId: string; event: ProgressEvent }
  /** Sent every `HEARTBEAT_MS` while the worker's event loop runs (see the host's stall check). */
  | { kind: 'heartbeat' }

/**
 * Runs one call on `host`. Progress of `convertImage` and `startBatch` is reported through `progress`
 * (their listener argument cannot cross the process boundary).
 */
export function dispatch(
  host: EngineHost,
  method: WorkerMethod,
  args: unknown[],
  progress: (jobId: string, event: ProgressEvent) => void
): Promise<unknown> {
  switch (method) {
    case 'info':
      return host.info()
    case 'openImage':
      return host.openImage(args[0] as string)
    case 'convertImage': {
      const jobId = args[0] as string
      return host.convertImage(jobId, args[1] as Parameters<EngineHost['convertImage']>[1], (event) =>
        progress(jobId, event)
      )
    }
    case 'exportImage':
      return host.exportImage(args[0] as Parameters<EngineHost['exportImage']>[0])
    case 'saveAndReturn':
      return host.saveAndReturn(args[0] as Parameters<EngineHost['saveAndReturn']>[0])
    case 'startBatch': {
      const jobId = args[0] as string
      return host.startBatch(jobId, args[1] as Parameters<EngineHost['startBatch']>[1], (event) =>
        progress(jobId, event)
      )
    }
    case 'configure':
      host.configure(args[0] as Parameters<EngineHost['configure']>[0])
      return Promise.resolve(null)
    case 'dispose':
      return host.dispose().then(() => null)
    case 'readRegion':
      return host.readRegion(args[0] as Parameters<EngineHost['readRegion']>[0])
  }
}
