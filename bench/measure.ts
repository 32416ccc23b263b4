/**
 * Measures one photo in this (fresh) process and prints one JSON line: `bench/run.ts` starts one per
 * size so each size's peak RSS is its own. Usage:
 * `node --import tsx bench/measure.ts <photo.jpg> <outDir> [modelsDir] [model]` (empty string = default).
 */
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import sharp from 'sharp'
import { convertFile } from '../src-main/engine/pipeline/convert'
import { createEngine } from '../src-main/engine/pipeline/engine'
import { toUnclipError } from '../src-main/engine/errors'
import type { EngineInfo, StageTimings } from '../src-main/engine/types'

/** What one size's run reports back to run.ts. */
export interface Measurement {
  engineLoadMs: number
  info?: EngineInfo
  /** The first photo after loading the engine (a one-photo CLI run). */
  timings?: StageTimings
  endToEndMs?: number
  /** The same photo converted again by the same engine: every later photo of a batch, or in the app. */
  warmTimings?: StageTimings
  warmEndToEndMs?: number
  sharpDecodeMs: number
  peakRssMb: number
  error?: { code: string; message: string }
}

async function measure(photo: string, outDir: string, modelsDir: string, model: string): Promise<Measurement> {
  const loadStart = performance.now()
  const engine = await createEngine({
    ...(modelsDir ? { modelsDir } : {}),
    ...(model ? { model } : {})
  })
  const engineLoadMs = performance.now() - loadStart
  const result: Omit<Measurement, 'sharpDecodeMs' | 'peakRssMb'> = { engineLoadMs, info: engine.info }
  try {
    const convert = async (): Promise<{ ms: number; timings: StageTimings }> => {
      const start = performance.now()
      const converted = await convertFile(engine, photo, {
        outDir,
        outputBase: join(outDir, 'bench'),
        formats: ['hdr', 'png'],
        mode: 'hdr',
        overwrite: true
      })
      return { ms: performance.now() - start, timings: converted.timings }
    }
    const first = await convert()
    result.endToEndMs = first.ms
    result.timings = first.timings
    const warm = await convert()
    result.warmEndToEndMs = warm.ms
    result.warmTimings = warm.timings
  } catch (error) {
    result.error = toUnclipError(error).toJSON()
  } finally {
    await engine.dispose()
  }
  // The yardstick: the least any converter must do, decode to 8-bit RGB. Its memory is a subset of
  // the engine's own decode, so running it in the same process does not raise the peak.
  const decodeStart = performance.now()
  await sharp(photo, { limitInputPixels: false }).raw().toBuffer()
  const sharpDecodeMs = performance.now() - decodeStart
  return { ...result, sharpDecodeMs, peakRssMb: process.resourceUsage().maxRSS / 1024 }
}

const [photo, outDir, modelsDir = '', model = ''] = process.argv.slice(2)
process.stdout.write(`${JSON.stringify(await measure(photo, outDir, modelsDir, model))}\n`)
