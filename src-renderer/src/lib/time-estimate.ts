import type { ProgressEvent } from '../../../src-main/engine/types'

/** Stages after which a file counts as finished. */
const FINISHED_STAGES: ReadonlySet<ProgressEvent['stage']> = new Set(['done', 'failed', 'skipped'])

/**
 * How many files' worth of work a progress event says is finished: whole files before `index`
 * plus the current file's own fraction.
 * @returns A value in [0, total].
 */
export function completedUnits(event: Pick<ProgressEvent, 'index' | 'total' | 'stage' | 'fraction'>): number {
  const own = FINISHED_STAGES.has(event.stage) ? 1 : Math.min(Math.max(event.fraction, 0), 1)
  return Math.min(event.index + own, event.total)
}

/**
 * Remaining time assuming the rest goes at the average rate so far.
 * @param elapsedMs Time since the batch started.
 * @param done Completed units (see `completedUnits`).
 * @param total Total units.
 * @returns Milliseconds left, or null while too little is done to say (under 2% or no time yet).
 */
export function estimateRemainingMs(elapsedMs: number, done: number, total: number): number | null {
  if (total <= 0 || elapsedMs <= 0) return null
  if (done >= total) return 0
  // Below 2% the rate is dominated by start-up (model load, first decode) and misleads.
  if (done / total < 0.02) return null
  return (elapsedMs * (total - done)) / done
}

/**
 * Short clock text: `0:07`, `12:34`, `1:02:03`.
 * @param ms Duration in milliseconds; negative counts as zero.
 */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const ss = String(s).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`
}
