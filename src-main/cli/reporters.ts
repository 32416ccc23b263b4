import type { BatchResult, BatchWarning, ProgressEvent } from '../engine/types'
import { printable, terminalJson } from './printable'
import { isFinal, ProgressBar } from './progress-bar'

/** Where `unclip convert` sends progress and its summary; one implementation per output style. */
export interface Reporter {
  progress(event: ProgressEvent): void
  /** A folder or file skipped because it could not be read. */
  warning(warning: BatchWarning): void
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

/**
 * One JSON object per line: `{"type":"progress",...event}`, `{"type":"warning",file,message}`, and
 * finally `{"type":"summary",...result}`. Every name printed to a terminal is escaped (`printable.ts`).
 */
class JsonReporter implements Reporter {
  constructor(private readonly out: NodeJS.WritableStream) {}

  progress(event: ProgressEvent): void {
    this.out.write(`${terminalJson({ type: 'progress', ...event })}\n`)
  }

  warning(warning: BatchWarning): void {
    this.out.write(`${terminalJson({ type: 'warning', ...warning })}\n`)
  }

  summary(result: BatchResult): void {
    this.out.write(`${terminalJson({ type: 'summary', ...result })}\n`)
  }
}

class PlainReporter implements Reporter {
  private lastKey = ''

  constructor(private readonly out: NodeJS.WritableStream) {}

  progress(event: ProgressEvent): void {
    const key = `${event.index}:${event.stage}`
    if (key === this.lastKey) return
    this.lastKey = key
    this.out.write(`${counter(event)} ${event.stage.padEnd(9)} ${printable(event.file)}\n`)
  }

  warning(warning: BatchWarning): void {
    this.out.write(`${warningLine(warning)}\n`)
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
    if (isFinal(event)) this.bar.log(`${counter(event)} ${event.stage.padEnd(9)} ${printable(event.file)}`)
    else this.bar.update({ ...event, file: printable(event.file) })
  }

  warning(warning: BatchWarning): void {
    this.bar.log(warningLine(warning))
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
  for (const failure of failed) lines.push(`  failed  ${printable(failure.input)}: ${printable(failure.error.message)}`)
  for (const input of skipped)
    lines.push(`  skipped ${printable(input)}: outputs already exist (--overwrite replaces them)`)
  for (const warning of result.warnings ?? []) lines.push(`  ${warningLine(warning)}`)
  return lines
}

function warningLine(warning: BatchWarning): string {
  return `skipped ${printable(warning.file)}: ${printable(warning.message)}`
}
