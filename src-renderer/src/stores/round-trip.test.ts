import { describe, expect, it } from 'vitest'
import type { Api, ConvertedImage, Result, RoundTripFile } from '../../../src-preload/contract'
import { RoundTrip } from './round-trip.svelte'

const ok = <T>(value: T): Result<T> => ({ ok: true, value })
const TONE = { operator: 'reinhard', exposureEv: 0, whitePoint: 4, gamma: 1 } as const
const SETTINGS = { mode: 'hdr', toneFor: () => TONE, converted: null } as const

/** The bridge calls a round trip makes, recorded; `failOn` makes one photo's save fail. */
function bridge(failOn?: string) {
  const calls: string[] = []
  const plan = (path: string): RoundTripFile => ({ path, output: path, replaces: true })
  const api = {
    onProgress: () => () => undefined,
    roundTrip: async (paths: string[]) => ok(paths.map(plan)),
    convertImage: async ({ path }: { path: string }) => (calls.push(`convert ${path}`), ok({ path, peak: 2 })),
    saveAndReturn: async ({ path }: { path: string }) => {
      calls.push(`save ${path}`)
      return path === failOn
        ? { ok: false, error: { code: 'DISK_FULL', message: `Disk full: ${path}` } }
        : ok({ output: path })
    },
    quit: async () => (calls.push('quit'), ok(null))
  } as unknown as Api
  return { api, calls }
}

describe('RoundTrip store', () => {
  it('saves every photo, then quits when the app was started for it', async () => {
    const { api, calls } = bridge()
    const trip = new RoundTrip(api)
    await trip.begin(['/a.tif', '/b.tif'], true)
    await trip.save(SETTINGS)
    expect(calls).toEqual(['convert /a.tif', 'save /a.tif', 'convert /b.tif', 'save /b.tif', 'quit'])
    expect(trip.phase).toBe('off')
  })

  it('after a failure, saving again skips the photos already written back', async () => {
    const { api, calls } = bridge('/b.tif')
    const trip = new RoundTrip(api)
    await trip.begin(['/a.tif', '/b.tif', '/c.tif'], false)
    await trip.save(SETTINGS)
    expect(trip.message).toBe('Disk full: /b.tif (1 of 3 saved)')
    expect(trip.phase).toBe('ready')
    calls.length = 0
    await trip.save(SETTINGS)
    expect(calls).toEqual(['convert /b.tif', 'save /b.tif'])
  })

  it('adds files handed over while it runs, saves them too, and quits only after', async () => {
    const { api, calls } = bridge()
    const trip = new RoundTrip(api)
    await trip.begin(['/a.tif'], true)
    await trip.begin(['/a.tif', '/d.tif'], false)
    expect(trip.files.map((f) => f.path)).toEqual(['/a.tif', '/d.tif'])
    await trip.save({ ...SETTINGS, converted: { path: '/a.tif' } as ConvertedImage })
    expect(calls).toEqual(['save /a.tif', 'convert /d.tif', 'save /d.tif', 'quit'])
  })

  it('Cancel writes nothing and quits when the app was started for it', async () => {
    const { api, calls } = bridge()
    const trip = new RoundTrip(api)
    await trip.begin(['/a.tif'], true)
    await trip.cancel()
    expect(calls).toEqual(['quit'])
  })
})
