import { DEFAULT_TONEMAP } from '../imaging/tonemap'
import type { Engine } from './engine'

/**
 * One small reduced-size conversion with every encoding, discarded: the JIT then meets the first
 * real photo with optimised code (measured in an earlier session: the first 12 MP conversion was
 * ~0.5 s slower than the next). With the compiled CLI and model 1.2.0 a fresh 12 MP conversion took
 * the same time with or without it (medians of 5: 1.57 vs 1.60 s) while loading took 0.35 s longer,
 * so the CLI skips it (for batches too, since #17); the app's engine host, loaded at start, keeps it.
 */
export async function warmUp(engine: Engine): Promise<void> {
  const width = 1280
  const height = 320
  const data = new Uint8Array(width * height * 3)
  for (let i = 0; i < data.length; i++) data[i] = i % 3 === 0 && i % 7 === 0 ? 255 : (i * 31) & 255
  try {
    await engine.predictStrips({ width, height, bits: 8, data }, () => undefined, {
      encode: { rgbe: true, png: [{ bits: 8, tonemap: DEFAULT_TONEMAP }] }
    })
  } catch {
    // Only a speed-up: a model that fails here fails again, with its real error, on the first photo.
  }
}
