import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createInProcessEngineHost } from '../../src-main/engine-host/in-process'
import type { ProgressEvent } from '../../src-main/engine/types'

const host = createInProcessEngineHost({ modelsDir: 'test/fixtures/models', model: 'unclip-fixture' })
let dir: string
let dark: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unclip-host-lowlight-'))
  dark = join(dir, 'dark.png')
  const width = 320
  const height = 240
  const raw = Buffer.alloc(width * height * 3)
  for (let i = 0; i < raw.length; i++) raw[i] = 4 + ((i * 7919) % 29)
  await sharp(raw, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(dark)
  await host.openImage(dark)
})

afterAll(async () => {
  await host.dispose()
  await rm(dir, { recursive: true, force: true })
})

describe('low light in the engine host', () => {
  it('stops at the first chunk boundary after a cancel and keeps no result', async () => {
    const seen: { stage: string; afterCancel: boolean }[] = []
    let cancelled = false
    const run = host.convertImage('ll-cancel', { path: dark, mode: 'lowlight' }, (event: ProgressEvent) => {
      seen.push({ stage: event.stage, afterCancel: cancelled })
      if (event.stage === 'denoise' && !cancelled) cancelled = host.cancel('ll-cancel')
    })
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(cancelled).toBe(true)
    expect(seen.filter((s) => s.afterCancel)).toEqual([])
    await expect(host.readRegion({ path: dark, mode: 'lowlight', x: 0, y: 0, width: 8, height: 8 })).rejects.toThrow(
      `${dark} has no lowlight result to show; convert it first.`
    )
  })

  it('names its stages, and new controls re-run its processing without the model', async () => {
    const stages = (events: ProgressEvent[]): string[] => [...new Set(events.map((e) => e.stage))]
    const first: ProgressEvent[] = []
    const base = await host.convertImage('ll-1', { path: dark, mode: 'lowlight' }, (e) => first.push(e))
    // The model's output was kept from the cancelled run: only low light's own stages run.
    expect(stages(first)).toEqual(['decode', 'denoise', 'tone', 'done'])
    const again: ProgressEvent[] = []
    const brighter = await host.convertImage(
      'll-2',
      { path: dark, mode: 'lowlight', lowLight: { brightnessEv: 1, denoise: 1, blackPoint: 0.002 } },
      (e) => again.push(e)
    )
    expect(stages(again)).toEqual(['decode', 'denoise', 'tone', 'done'])
    const mean = (data: Float32Array): number => data.reduce((a, b) => a + b, 0) / data.length
    expect(mean(brighter.hdr)).toBeGreaterThan(1.3 * mean(base.hdr))
    // The same controls again: the kept result, no processing.
    const same: ProgressEvent[] = []
    await host.convertImage(
      'll-3',
      { path: dark, mode: 'lowlight', lowLight: { brightnessEv: 1, denoise: 1, blackPoint: 0.002 } },
      (e) => same.push(e)
    )
    expect(stages(same)).toEqual(['decode', 'done'])
  })
})
