import { describe, expect, it } from 'vitest'
import type { Api, EngineInfo, Result } from '../../../src-preload/contract'
import { EngineStatus } from './engine-status.svelte'

/** An engine whose `engineInfo` answers when the test says so. */
function startingEngine(): { api: Api; answer: (result: Result<EngineInfo>) => void } {
  let answer: (result: Result<EngineInfo>) => void = () => undefined
  const pending = new Promise<Result<EngineInfo>>((resolve) => (answer = resolve))
  return { api: { engineInfo: () => pending } as unknown as Api, answer }
}

const info = (modes: EngineInfo['modes']): EngineInfo =>
  ({
    model: { name: 'unclip-v1', version: '1.1.0', fixture: false },
    provider: { requested: ['cpu'], chosen: 'cpu', fallbacks: [] },
    modes
  }) as unknown as EngineInfo

describe('EngineStatus low-light note', () => {
  it('says the engine is starting, not that low light is missing, until the engine answers', async () => {
    const { api, answer } = startingEngine()
    const status = new EngineStatus(api)
    const loading = status.load()
    expect(status.lowLightOffered).toBe(false)
    expect(status.lowLightNote).toBe('Available once the engine has started…')
    answer({ ok: true, value: info(['hdr', 'lowlight']) })
    await loading
    expect(status.lowLightOffered).toBe(true)
    expect(status.lowLightNote).toBe('Brightens and denoises dark photos; exposure and tone curve are automatic')
  })

  it('says not offered once an engine without it has answered, or the engine failed', async () => {
    for (const result of [
      { ok: true, value: info(['hdr']) },
      { ok: false, error: { code: 'INTERNAL', message: 'no model' } }
    ] as Result<EngineInfo>[]) {
      const { api, answer } = startingEngine()
      const status = new EngineStatus(api)
      const loading = status.load()
      answer(result)
      await loading
      expect(status.lowLightNote).toBe('Not offered by this engine')
    }
  })
})
