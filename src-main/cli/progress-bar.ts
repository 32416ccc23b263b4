import { basename } from 'node:path'
import type { ProgressEvent } from '../engine/types'

/** The batch's overall fraction: finished files plus the current file's own progress. */
export function overallFraction(event: ProgressEvent): number {
  if (event.total <= 0) return 1
  const own = isFinal(event) ? 1 : Math.min(Math.max(event.fraction, 0), 1)
  return Math.min((event.index + own) / event.total, 1)
}

/** True for the one event that closes a file. */
export function isFinal(event: ProgressEvent): boolean {
  return event.stage === 'done' || event.stage === 'failed' || event.stage === 'skipped'
}

/**
 * One line of the TTY progress bar, fitted to `columns` so redrawing with `\r` never wraps.
 *
 * @param event - the latest progress event
 * @param columns - terminal width
 * @returns e.g. `[ 3/12] ████████░░░░░░░░  41% inference  IMG_0412.jpg`
 */
export function renderBar(event: ProgressEvent, columns: number): string {
  const width = String(event.total).length
  const counter = `[${String(event.index + 1).padStart(width)}/${event.total}]`
  const fraction = overallFraction(event)
  const percent = `${String(Math.floor(fraction * 100)).padStart(3)}%`
  const barWidth = Math.max(10, Math.min(30, columns - 60))
  const filled = Math.round(fraction * barWidth)
  const bar = '█'.repeat(filled) + '░'.repeat(barWidth - filled)
  const line = `${counter} ${bar} ${percent} ${event.stage.padEnd(9)} ${basename(event.file)}`
  return line.length < columns ? line : line.slice(0, Math.max(columns - 1, 0))
}

/**
 * Draws the bar on a terminal in place. Redraws are throttled (a 100 MP file sends many events);
 * stage changes and final events always draw.
 */
export class ProgressBar {
  private lastDraw = 0
  private lastStage = ''
  private drawn = false

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly intervalMs = 80
  ) {}

  update(event: ProgressEvent): void {
    const now = Date.now()
    const stageKey = `${event.index}:${event.stage}`
    if (stageKey === this.lastStage && now - this.lastDraw < this.intervalMs) return
    this.lastStage = stageKey
    this.lastDraw = now
    this.stream.write(`\r\x1b[2K${renderBar(event, this.stream.columns || 80)}`)
    this.drawn = true
  }

  /** Prints a permanent line above the bar (the bar is redrawn by the next update). */
  log(line: string): void {
    this.clear()
    this.stream.write(`${line}\n`)
  }

  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K')
    this.drawn = false
  }
}
