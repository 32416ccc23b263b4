/**
 * Smoke test of the model the app ships: whatever card and ONNX file `models/` holds (read
 * generically, so a new release needs no edit here) loads, and converts a small real photo.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { decodeRadiance } from '../src-main/engine/codecs/radiance-decoder'
import { defaultModelsDir } from '../src-main/engine/model/model-registry'
import { convertFile } from '../src-main/engine/pipeline/convert'
import { createEngine } from '../src-main/engine/pipeline/engine'
import type { ModelCard } from '../src-main/engine/types'
import { writePhoto } from './cli/photos'

const modelsDir = defaultModelsDir()
const cards = readdirSync(modelsDir)
  .filter((name) => name.endsWith('.json'))
  .map((name) => JSON.parse(readFileSync(join(modelsDir, name), 'utf8')) as ModelCard)
  .filter((card) => !card.fixture)
const dir = mkdtempSync(join(tmpdir(), 'unclip-shipped-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the shipped model', () => {
  it('is in models/ with its ONNX file', () => {
    expect(modelsDir).toBe(resolve('models'))
    expect(cards.length).toBeGreaterThan(0)
    for (const card of cards) {
      expect(readdirSync(modelsDir)).toContain(card.file ?? `${card.name}.onnx`)
    }
  })

  it.each(cards.map((card) => [card.name, card] as const))('%s loads and converts a photo', async (_, card) => {
    const engine = await createEngine({ modelsDir, model: card.name, provider: 'cpu', stripWorkers: false })
    try {
      expect(engine.info.model).toEqual({ name: card.name, version: card.version, fixture: false })
      const input = await writePhoto(join(dir, `${card.name}.jpg`), 96, 64)
      const result = await convertFile(engine, input, {
        outDir: dir,
        outputBase: join(dir, card.name),
        formats: ['hdr', 'png'],
        mode: 'hdr',
        overwrite: true
      })
      expect(result.outputs).toEqual([join(dir, `${card.name}.hdr`), join(dir, `${card.name}.png`)])
      const hdr = decodeRadiance(readFileSync(result.outputs[0]))
      expect([hdr.width, hdr.height]).toEqual([96, 64])
      expect(hdr.data.every((v) => Number.isFinite(v) && v >= 0)).toBe(true)
      // A real photo converts to a real picture: not black, not one flat value.
      const max = hdr.data.reduce((a, b) => Math.max(a, b), 0)
      const min = hdr.data.reduce((a, b) => Math.min(a, b), Infinity)
      expect(max).toBeGreaterThan(0.05)
      expect(max - min).toBeGreaterThan(0.05)
    } finally {
      await engine.dispose()
    }
  })
})
