import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createReporter, summaryLines } from './reporters'
import type { BatchResult } from '../engine/types'

const result = (over: Partial<BatchResult>): BatchResult => ({
  converted: [],
  failed: [],
  skipped: [],
  cancelled: false,
  ...over
})
const converted = { input: '/p/a.jpg', outputs: ['/p/unclip/a.hdr'], timings: {} }

/** A stream standing in for stdout/stderr, remembering what was written. */
function capture(isTTY: boolean): NodeJS.WriteStream & { text: () => string } {
  let text = ''
  // Writable calls write() synchronously, so the text is complete as soon as the reporter returns.
  const writable = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString()
      done()
    }
  })
  const stream = writable as unknown as NodeJS.WriteStream & { text: () => string }
  stream.isTTY = isTTY
  stream.text = () => text
  return stream
}

describe('summaryLines', () => {
  it('counts, then names each failed and skipped photo with the reason', () => {
    expect(
      summaryLines(
        result({
          converted: [converted],
          failed: [
            { input: '/p/b.jpg', error: { code: 'CORRUPT_IMAGE', message: 'Image is corrupt or truncated: /p/b.jpg' } }
          ],
          skipped: ['/p/c.jpg']
        })
      )
    ).toEqual([
      'Converted 1 of 3: 1 failed, 1 skipped.',
      '  failed  /p/b.jpg: Image is corrupt or truncated: /p/b.jpg',
      '  skipped /p/c.jpg: outputs already exist (--overwrite replaces them)'
    ])
  })

  it('says when the batch was cancelled', () => {
    expect(summaryLines(result({ converted: [converted], cancelled: true }))).toEqual([
      'Cancelled: 1 converted before stopping, 0 failed, 0 skipped.'
    ])
  })
})

describe('createReporter', () => {
  it('writes JSON lines to stdout and nothing to stderr with --json', () => {
    const stdout = capture(false)
    const stderr = capture(true)
    const reporter = createReporter(true, stdout, stderr)
    reporter.progress({ index: 0, total: 1, file: '/p/a.jpg', stage: 'decode', fraction: 0 })
    reporter.summary(result({ converted: [converted] }))
    expect(stdout.text().split('\n')).toEqual([
      '{"type":"progress","index":0,"total":1,"file":"/p/a.jpg","stage":"decode","fraction":0}',
      `{"type":"summary","converted":[${JSON.stringify(converted)}],"failed":[],"skipped":[],"cancelled":false}`,
      ''
    ])
    expect(stderr.text()).toBe('')
  })

  it('writes one plain line per stage change when stderr is not a terminal', () => {
    const stderr = capture(false)
    const reporter = createReporter(false, capture(false), stderr)
    for (const fraction of [0.2, 0.3, 0.4])
      reporter.progress({ index: 1, total: 12, file: '/p/b.jpg', stage: 'inference', fraction })
    reporter.progress({ index: 1, total: 12, file: '/p/b.jpg', stage: 'done', fraction: 1 })
    expect(stderr.text()).toBe('[ 2/12] inference /p/b.jpg\n[ 2/12] done      /p/b.jpg\n')
  })
})

describe('names on a terminal', () => {
  it('are printed with control characters escaped, in every reporter and the summary', () => {
    const file = '/p/a\x1b]0;owned\x07\u202e.jpg'
    const shown = '/p/a\\x1b]0;owned\\x07\\u202e.jpg'
    const event = { index: 0, total: 1, file, stage: 'done', fraction: 1 } as const
    for (const tty of [false, true]) {
      const err = capture(tty)
      const reporter = createReporter(false, capture(false), err)
      reporter.progress(event)
      reporter.warning({ file, message: `Cannot read ${file}: permission denied` })
      reporter.summary(result({ skipped: [file] }))
      // eslint-disable-next-line no-control-regex
      expect(err.text().replace(/\r\x1b\[2K/g, '')).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/)
      expect(err.text()).toContain(`skipped ${shown}: Cannot read ${shown}: permission denied`)
    }
    const out = capture(false)
    createReporter(true, out, capture(false)).progress({ ...event, file: '/p/\u009b31m.jpg' })
    expect(out.text()).toContain('\\u009b31m')
    expect(JSON.parse(out.text()).file).toBe('/p/\u009b31m.jpg')
  })
})
