/**
 * Running jobs by id, each with its AbortController: one registry for conversions and batches.
 */
import { ShellError } from '../ipc/app-error'

export interface JobRegistry {
  /**
   * Registers `jobId` and runs `work` with its signal; the id is freed when the work settles.
   * @throws {ShellError} JOB_EXISTS when the id is already running.
   */
  run<T>(jobId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T>
  /** Aborts the job; false when no such job runs. */
  cancel(jobId: string): boolean
  /** Aborts every job. */
  cancelAll(): void
  has(jobId: string): boolean
  /** How many jobs run now. */
  size(): number
}

export function createJobRegistry(): JobRegistry {
  const jobs = new Map<string, AbortController>()
  return {
    async run(jobId, work) {
      if (jobs.has(jobId)) throw new ShellError('JOB_EXISTS', `A job with id "${jobId}" is already running.`)
      const controller = new AbortController()
      jobs.set(jobId, controller)
      try {
        return await work(controller.signal)
      } finally {
        jobs.delete(jobId)
      }
    },
    cancel(jobId) {
      const controller = jobs.get(jobId)
      if (!controller) return false
      controller.abort()
      return true
    },
    cancelAll() {
      for (const controller of jobs.values()) controller.abort()
    },
    has: (jobId) => jobs.has(jobId),
    size: () => jobs.size
  }
}
