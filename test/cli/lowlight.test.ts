import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { listFiles } from './photos'
import { FIXTURE_FLAGS, runCli } from './run-cli'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unclip-cli-lowlight-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('unclip --mode lowlight', () => {
  it('converts a dark photo into a brighter PNG (exit 0)', async () => {
    const raw = Buffer.alloc(48 * 32 * 3)
    for (let i = 0; i < raw.length; i++) raw[i] = 6 + ((i / 3) % 32)
    await sharp(raw, { raw: { width: 48, height: 32, channels: 3 } })
      .jpeg({ quality: 90 })
      .toFile(join(dir, 'night.jpg'))
    const run = await runCli(['convert', 'night.jpg', '--mode', 'lowlight', '--format', 'png', ...FIXTURE_FLAGS], dir)
    expect([run.code, run.stderr.includes('Converted 1 of 1')]).toEqual([0, true])
    expect(await listFiles(join(dir, 'unclip'))).toEqual(['night.png'])
    const mean = async (file: string): Promise<number> =>
      (await sharp(file).stats()).channels.slice(0, 3).reduce((a, c) => a + c.mean, 0) / 3
    expect(await mean(join(dir, 'unclip', 'night.png'))).toBeGreaterThan(2 * (await mean(join(dir, 'night.jpg'))))
  })

  it('is listed by unclip info', async () => {
    const run = await runCli(['info', '--ep', 'cpu', ...FIXTURE_FLAGS], dir)
    expect(run.code).toBe(0)
    expect((JSON.parse(run.stdout) as { modes: string[] }).modes).toEqual(['hdr', 'lowlight'])
  })
})
