import { describe, expect, it } from 'vitest'
import { createApi, type Transport } from '../../src-preload/api'
import type { DroppedFile } from '../../src-preload/contract'

function fakeTransport() {
  const calls: { channel: string; payload: unknown }[] = []
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const transport: Transport = {
    invoke: async (channel, payload) => {
      calls.push({ channel, payload })
      if (channel === 'engine:info') throw new Error('channel closed')
      return { ok: true, value: payload }
    },
    on: (channel, listener) => {
      const set = listeners.get(channel) ?? new Set()
      set.add(listener)
      listeners.set(channel, set)
      return () => set.delete(listener)
    }
  }
  const fire = (channel: string, payload: unknown): void => listeners.get(channel)?.forEach((l) => l(payload))
  return { transport, calls, fire }
}

describe('createApi', () => {
  it('maps named methods to command channels', async () => {
    const { transport, calls } = fakeTransport()
    const api = createApi(transport, { pathForFile: () => '' })
    await api.openImage('/a.jpg')
    await api.listFolder('/photos', { recursive: true })
    await api.cancelJob('j1')
    await api.getSettings()
    expect(calls).toEqual([
      { channel: 'image:open', payload: { path: '/a.jpg' } },
      { channel: 'folder:list', payload: { folder: '/photos', recursive: true } },
      { channel: 'job:cancel', payload: { jobId: 'j1' } },
      { channel: 'settings:get', payload: undefined }
    ])
  })

  it('turns transport failures into an INTERNAL Result', async () => {
    const api = createApi(fakeTransport().transport, { pathForFile: () => '' })
    expect(await api.engineInfo()).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'IPC failed on engine:info: channel closed' }
    })
  })

  it('grants dropped files by their real paths only', async () => {
    const { transport, calls } = fakeTransport()
    const real: DroppedFile = { name: 'a.jpg', size: 1 }
    const scripted: DroppedFile = { name: 'fake.jpg', size: 1 }
    const api = createApi(transport, { pathForFile: (file) => (file === real ? '/photos/a.jpg' : '') })
    await api.grantDroppedFiles([real, scripted])
    expect(calls).toEqual([{ channel: 'paths:grant', payload: { paths: ['/photos/a.jpg'] } }])
  })

  it('subscriptions deliver payloads until unsubscribed', () => {
    const { transport, fire } = fakeTransport()
    const api = createApi(transport, { pathForFile: () => '' })
    const seen: unknown[] = []
    const off = api.onMenuCommand((payload) => seen.push(payload))
    fire('menu:command', { command: 'zoomIn' })
    off()
    fire('menu:command', { command: 'zoomOut' })
    expect(seen).toEqual([{ command: 'zoomIn' }])
  })
})
