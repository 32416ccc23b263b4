import type { BatchResult, ProgressEvent } from '../engine/types'
import { isFinal, ProgressBar } from './progress-bar'

/** Where `unclip convert` sends progress and its summary; one implementation per output style. */
export interface Reporter {
  progress(event: ProgressEvent): void
  summary(result: BatchResult): void
}

/**
 * Picks the reporter: `--json` writes JSON lines to stdout; otherwise a redrawn bar when stderr is a
 * terminal, plain lines (one per stage change) when it is not, so logs stay readable.
 */
export function createReporter(json: boolean, stdout: NodeJS.WriteStream, stderr: NodeJS.WriteStream): Reporter {
  if (json) return new JsonReporter(stdout)
  return stderr.isTTY ? new TtyReporter(stderr) : new PlainReporter(stderr)
}

/** One JSON object per line: `{"type":"progress",...event}` and finally `{"type":"summary",...result}`. */
class JsonReporter implements Reporter {
  constructor(private readonly out: NodeJS.WritableStream) {}

  progress(event: ProgressEvent): void {
    this.out.write(`${JSON.stringify({ type: 'progress', ...event })}\n`)
  }

  summary(result: BatchResult): void {
    this.out.write(`${JSON.stringify({ type: 'summary', ...result })}\n`)
  }
}

class PlainReporter implements Reporter {
  private lastKey = ''

  constructor(private readonly out: NodeJS.WritableStream) {}

  progress(event: ProgressEvent): void {
    const key = `${event.index}:${event.stage}`
    if (key === this.lastKey) return
    this.lastKey = key
    this.out.write(`${counter(event)} ${event.stage.padEnd(9)} ${event.file}\n`)
  }

  summary(result: BatchResult): void {
    for (const line of summaryLines(result)) this.out.write(`${line}\n`)
  }
}

class TtyReporter implements Reporter {
  private readonly bar: ProgressBar

  constructor(out: NodeJS.WriteStream) {
    this.bar = new ProgressBar(out)
  }

  progress(event: ProgressEvent): void {
    if (isFinal(event)) this.bar.log(`${counter(event)} ${event.stage.padEnd(9)} ${event.file}`)
    else this.bar.update(event)
  }

  summary(result: BatchResult): void {
    this.bar.clear()
    for (const line of summaryLines(result)) this.bar.log(line)
  }
}

function counter(event: ProgressEvent): string {
  return `[${String(event.index + 1).padStart(String(event.total).length)}/${event.total}]`
}

/** The human summary: counts first, then one line per photo that needs attention. */
export function summaryLines(result: BatchResult): string[] {
  const { converted, failed, skipped, cancelled } = result
  const total = converted.length + failed.length + skipped.length
  const lines = [
    cancelled
      ? `Cancelled: ${converted.length} converted before stopping, ${failed.length} failed, ${skipped.length} skipped.`
      : `Converted ${converted.length} of ${total}: ${failed.length} failed, ${skipped.length} skipped.`
  ]
  for (const failure of failed) lines.push(`  failed  ${failure.input}: ${failure.error.message}`)
  for (const input of skipped) lines.push(`  skipped ${input}: outputs already exist (--overwrite replaces them)`)
  return lines
}
