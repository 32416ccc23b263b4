import { afterEach, describe, expect, it, vi } from 'vitest'
import type {
  Api,
  BatchRequest,
  BatchResult,
  Events,
  Result,
  Settings,
  SettingsPatch
} from '../../../src-preload/contract'
import { Batch } from './batch.svelte'
import { ExportOptions } from './export-options.svelte'
import { Library } from './library.svelte'
import { Notices } from './notices.svelte'
import { ToneSettings } from './tone.svelte'

type ProgressListener = (payload: Events['job:progress']) => void

/**
 * A scripted stand-in for the preload bridge: the stores' only dependency. Each test answers the
 * calls it cares about; anything else fails loudly.
 */
function scriptedApi(overrides: Partial<Api>): { api: Api; emit: ProgressListener } {
  const listeners = new Set<ProgressListener>()
  const unexpected = (name: string) => () => Promise.reject(new Error(`unexpected call: ${name}`))
  const api = new Proxy({} as Api, {
    get: (_target, name: string) =>
      name === 'onProgress'
        ? (listener: ProgressListener) => (listeners.add(listener), () => listeners.delete(listener))
        : name in overrides
          ? overrides[name as keyof Api]
          : name === 'thumbnail'
            ? () => Promise.resolve({ ok: false, error: { code: 'INTERNAL', message: 'no thumbnails here' } })
            : unexpected(name)
  })
  return { api, emit: (payload) => listeners.forEach((listener) => listener(payload)) }
}

const ok = <T>(value: T): Result<T> => ({ ok: true, value })

afterEach(() => vi.useRealTimers())

describe('Batch store', () => {
  it('tracks per-file progress and badges, then lists failures and resets files cut off by cancel', async () => {
    let finish!: (result: Result<BatchResult>) => void
    let request!: BatchRequest
    const cancelled: string[] = []
    const { api, emit } = scriptedApi({
      startBatch: (r) => ((request = r), new Promise((resolve) => (finish = resolve))),
      cancelJob: (jobId) => (cancelled.push(jobId), Promise.resolve(ok(null)))
    })
    const library = new Library(api)
    library.openFiles(['/p/a.jpg', '/p/b.jpg', '/p/c.jpg'])
    const batch = new Batch(api, library, new Notices())
    const tonemap = { operator: 'reinhard' as const, exposureEv: 0, whitePoint: 4, gamma: 1 }
    const running = batch.start({
      inputs: ['/p/a.jpg', '/p/b.jpg', '/p/c.jpg'],
      recursive: false,
      formats: ['hdr'],
      outDir: null,
      overwrite: false,
      mode: 'hdr',
      tonemap
    })

    expect(batch.running).toBe(true)
    expect(request).toMatchObject({
      inputs: ['/p/a.jpg', '/p/b.jpg', '/p/c.jpg'],
      formats: ['hdr'],
      mode: 'hdr',
      recursive: false
    })
    emit({ jobId: request.jobId, event: { index: 0, total: 3, file: '/p/a.jpg', stage: 'done', fraction: 1 } })
    emit({ jobId: request.jobId, event: { index: 1, total: 3, file: '/p/b.jpg', stage: 'failed', fraction: 1 } })
    emit({ jobId: request.jobId, event: { index: 2, total: 3, file: '/p/c.jpg', stage: 'inference', fraction: 0.4 } })
    // Another job's events are not ours.
    emit({ jobId: 'someone-else', event: { index: 2, total: 9, file: '/p/c.jpg', stage: 'done', fraction: 1 } })

    expect(batch.total).toBe(3)
    expect(batch.percent).toBeGreaterThanOrEqual(67)
    expect(batch.percent).toBeLessThan(100)
    expect(library.items.map((item) => item.status)).toEqual(['done', 'failed', 'converting'])

    await batch.cancel()
    expect(cancelled).toEqual([request.jobId])
    finish(
      ok({
        converted: [],
        failed: [{ input: '/p/b.jpg', error: { code: 'CORRUPT_IMAGE', message: 'Corrupt image: /p/b.jpg' } }],
        skipped: [],
        cancelled: true
      })
    )
    await running

    expect(batch.running).toBe(false)
    expect(batch.failures.map((f) => f.error.message)).toEqual(['Corrupt image: /p/b.jpg'])
    expect(library.find('/p/b.jpg')?.error).toBe('Corrupt image: /p/b.jpg')
    expect(library.items.map((item) => item.status)).toEqual(['done', 'failed', 'new'])
    batch.dispose()
  })

  it('shows the error of a batch the main process refused', async () => {
    const { api } = scriptedApi({
      startBatch: () =>
        Promise.resolve({ ok: false, error: { code: 'PATH_NOT_ALLOWED', message: 'Not allowed: /etc' } })
    })
    const batch = new Batch(api, new Library(api), new Notices())
    const tonemap = { operator: 'exposure' as const, exposureEv: 1, whitePoint: 4, gamma: 1 }
    await batch.start({
      inputs: ['/etc'],
      recursive: true,
      formats: ['png'],
      outDir: null,
      overwrite: false,
      mode: 'hdr',
      tonemap
    })
    expect(batch.error).toBe('Not allowed: /etc')
    expect(batch.running).toBe(false)
    batch.dispose()
  })
})

describe('ToneSettings store', () => {
  it('clamps stored values from older versions into the sliders’ ranges', async () => {
    const preview = { operator: 'exposure', exposureEv: 9, whitePoint: Number.NaN, gamma: 0.1 }
    const { api } = scriptedApi({ getSettings: () => Promise.resolve(ok({ preview } as unknown as Settings)) })
    const tone = new ToneSettings(api)
    await tone.load()
    expect(tone.settings).toEqual({ operator: 'exposure', exposureEv: 5, whitePoint: 64, gamma: 0.5 })
  })

  it("resolves an automatic white point from the result's peak until the slider moves, and Reset brings it back", () => {
    const { api } = scriptedApi({})
    const tone = new ToneSettings(api)
    tone.set({ exposureEv: 1 })
    expect(tone.forPeak(20)).toEqual({ ...tone.settings, whitePoint: 40 })
    tone.set({ whitePoint: 12 })
    expect(tone.autoWhite).toBe(false)
    expect(tone.forPeak(20)).toEqual({ operator: 'highlights', exposureEv: 1, whitePoint: 12, gamma: 1 })
    tone.reset()
    expect(tone.autoWhite).toBe(true)
    expect(tone.forPeak(20).whitePoint).toBe(20)
    tone.dispose()
  })

  it('saves once after the user stops dragging, with the final values', async () => {
    vi.useFakeTimers()
    const saved: unknown[] = []
    const { api } = scriptedApi({ setSettings: (patch) => (saved.push(patch), Promise.resolve(ok({} as Settings))) })
    const tone = new ToneSettings(api)
    for (const ev of [0.5, 1, 1.5, 2]) {
      tone.set({ exposureEv: ev })
      vi.advanceTimersByTime(100)
    }
    expect(saved).toEqual([])
    vi.advanceTimersByTime(1000)
    expect(saved).toEqual([
      { preview: { operator: 'highlights', exposureEv: 2, whitePoint: 64, gamma: 1 }, autoWhitePoint: true }
    ])
    tone.set({ whitePoint: 10 })
    vi.advanceTimersByTime(1000)
    expect(saved.at(-1)).toMatchObject({ preview: { whitePoint: 10 }, autoWhitePoint: false })
    tone.reset()
    vi.advanceTimersByTime(1000)
    expect(saved.at(-1)).toEqual({
      preview: { operator: 'highlights', exposureEv: 0, whitePoint: 64, gamma: 1 },
      autoWhitePoint: true
    })
    tone.setAutoWhite(false)
    vi.advanceTimersByTime(1000)
    expect(saved.at(-1)).toMatchObject({ autoWhitePoint: false })
    tone.dispose()
  })

  it('loads a stored manual white point as manual', async () => {
    const preview = { operator: 'highlights', exposureEv: 0, whitePoint: 12, gamma: 1 }
    const { api } = scriptedApi({
      getSettings: () => Promise.resolve(ok({ preview, autoWhitePoint: false } as unknown as Settings))
    })
    const tone = new ToneSettings(api)
    await tone.load()
    expect(tone.autoWhite).toBe(false)
    expect(tone.forPeak(40).whitePoint).toBe(12)
  })
})

describe('ExportOptions store', () => {
  it('starts with the default formats, shows saved ones in panel order and saves what is ticked', async () => {
    const saved: SettingsPatch[] = []
    const { api } = scriptedApi({
      getSettings: () =>
        Promise.resolve(
          ok({
            export: {
              formats: ['jpg', 'png16', 'jpg-hdr'],
              outDir: '/out',
              overwrite: true,
              keepGps: true,
              jpegQuality: 75
            }
          } as Settings)
        ),
      setSettings: (patch) => (saved.push(patch), Promise.resolve(ok({} as Settings)))
    })
    const options = new ExportOptions(api, new Notices())
    expect(options.formats).toEqual(['hdr', 'png'])
    await options.load()
    expect(options.formats).toEqual(['jpg-hdr', 'png16', 'jpg'])
    expect([options.outDir, options.overwrite, options.keepGps, options.jpegQuality]).toEqual(['/out', true, true, 75])
    options.chosen.png = 'png'
    options.ticked['jpg-hdr'] = false
    options.ticked.hdr = true
    options.save()
    expect(saved).toEqual([
      { export: { formats: ['hdr', 'png', 'jpg'], outDir: '/out', overwrite: true, keepGps: true, jpegQuality: 75 } }
    ])
    // The quality slider saves once it rests.
    vi.useFakeTimers()
    for (const quality of [80, 85, 90]) options.setJpegQuality(quality)
    expect(saved).toHaveLength(1)
    vi.advanceTimersByTime(1000)
    expect(saved).toHaveLength(2)
    expect(saved[1].export?.jpegQuality).toBe(90)
    vi.useRealTimers()
  })
})
