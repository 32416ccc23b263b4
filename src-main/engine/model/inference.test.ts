import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { floatImage, type PixelFn } from '../../../test/helpers/images'
import { planAxisTiles, runModel } from './inference'
import { selectModel } from './model-registry'
import { createSession } from './providers'
import type { InferenceSession } from 'onnxruntime-node'
import type { ModelCard } from '../types'

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/models/', import.meta.url))
let session: InferenceSession
let card: ModelCard
beforeAll(async () => {
  const entry = await selectModel(FIXTURES, 'unclip-fixture')
  card = entry.card
  session = (await createSession(entry.onnxPath, 'cpu')).session
})
afterAll(() => session.release())

describe('runModel', () => {
  it('plans tiles that cover the axis with at least the overlap', () => {
    expect(planAxisTiles(900, 1024, 64)).toEqual([{ start: 0, size: 900, overlapBefore: 0, overlapAfter: 0 }])
    for (const length of [1025, 2000, 2560, 10_001]) {
      const tiles = planAxisTiles(length, 1024, 64)
      expect(tiles[0].start).toBe(0)
      expect(tiles.at(-1)!.start + tiles.at(-1)!.size).toBe(length)
      for (let i = 1; i < tiles.length; i++) {
        expect(tiles[i].overlapBefore).toBeGreaterThanOrEqual(64)
        expect(tiles[i].overlapBefore).toBe(tiles[i - 1].overlapAfter)
      }
    }
  })

  it('tiled output matches the untiled run away from the image border (no seams from tiling)', async () => {
    const spots: PixelFn = (x, y) => {
      const v = 0.5 + 0.6 * Math.sin(9 * x) * Math.cos(7 * y)
      return [v, v * 0.9, v * 0.8]
    }
    const image = floatImage(700, 300, spots)
    const whole = await runModel(session, card, image, { maxTileSide: 1024 })
    const tiled = await runModel(session, card, image, { maxTileSide: 160, overlap: 32 })
    // Within the fixture's 4 px blur radius of the border the two runs see different padding
    // (right/bottom only vs a halo on every side), so compare the interior.
    let worst = 0
    for (let y = 4; y < 296; y++) {
      for (let x = 4; x < 696; x++) {
        for (let c = 0; c < 3; c++)
          worst = Math.max(worst, Math.abs(whole.data[3 * (y * 700 + x) + c] - tiled.data[3 * (y * 700 + x) + c]))
      }
    }
    expect(worst).toBeLessThan(1e-5)
    expect(whole.data.reduce((a, b) => Math.max(a, b), 0)).toBeGreaterThan(2)
  })

  it('reports progress per tile', async () => {
    const seen: number[] = []
    await runModel(session, card, floatImage(300, 100), {
      maxTileSide: 128,
      overlap: 16,
      onProgress: (f) => seen.push(f)
    })
    expect(seen.length).toBe(3)
    expect(seen.at(-1)).toBe(1)
  })
})
