/**
 * Low light's runs on a photo: the model's prediction it starts from (the input kept below the
 * highlights), the processing of `lowlight.ts` on it, and the strips its writers take.
 */
import { throwIfAborted } from '../errors'
import type { Engine, PredictOptions, PredictTimings } from './engine'
import type { PixelSource, RgbImage } from '../types'
import { BLEND_RAMP_START } from '../domain/clip'
import { lineariseSamples } from '../imaging/srgb-tables'
import { processLowLightAsync, type LowLightResult, type LowLightSink } from './lowlight'

/** Share of progress given to the prediction; the rest is the processing's. */
const PREDICT_SHARE = 0.8

/**
 * The model's prediction as low light starts from it: run on the whole photo, with the
 * sRGB-linearised input kept below the highlights (`keepSrgbBelowHighlights`).
 * @param options Cancel and progress (fraction of the prediction).
 * @throws UnclipError `CANCELLED`, and whatever `engine.predictStrips` throws.
 */
export async function lowLightSource(
  engine: Engine,
  source: PixelSource,
  options: PredictOptions = {}
): Promise<{ hdr: RgbImage; timings: PredictTimings }> {
  const hdr = new Float32Array(source.width * source.height * 3)
  const timings = await engine.predictStrips(source, (strip, y) => hdr.set(strip.data, y * source.width * 3), {
    signal: options.signal,
    reduced: options.reduced,
    onProgress: options.onProgress
  })
  throwIfAborted(options.signal)
  keepSrgbBelowHighlights(source, hdr)
  return { hdr: { width: source.width, height: source.height, data: hdr }, timings }
}

/**
 * Runs the model and low-light processing on a whole photo.
 * @param engine A loaded engine.
 * @param source sRGB floats in [0,1] or 8/16-bit sRGB samples.
 * @param options Cancel and progress (fraction of the whole job).
 * @returns The processed images and the model's timings, the processing counted as `upsample`.
 * @throws UnclipError `CANCELLED`, and whatever `engine.predictStrips` throws.
 */
export async function lowLightImage(
  engine: Engine,
  source: PixelSource,
  options: PredictOptions = {}
): Promise<LowLightResult & { timings: PredictTimings }> {
  const { signal, onProgress } = options
  const { hdr, timings } = await lowLightSource(engine, source, {
    ...options,
    onProgress: (f) => onProgress?.(f * PREDICT_SHARE)
  })
  const started = performance.now()
  const result = await processLowLightAsync(hdr, {
    signal,
    onStep: ({ fraction }) => onProgress?.(PREDICT_SHARE + (1 - PREDICT_SHARE) * fraction)
  })
  timings.upsample += performance.now() - started
  onProgress?.(1)
  return { ...result, timings }
}

/**
 * Puts the sRGB-linearised input back wherever the model's blend would not trust the network, so only
 * the recovered highlights come from the model. Since 1.2.0 the model also picks a camera curve for
 * the rest (its tone head); low light's exposure, denoiser and tone curve are tuned on the sRGB
 * linearisation, and on dark photos the curve the head guesses cost 2.8 dB at −3 EV in
 * `training/lowlight_bench.py` (models/README.md).
 * @param source The photo, sRGB.
 * @param hdr The model's full-resolution output, changed in place.
 */
export function keepSrgbBelowHighlights(source: PixelSource, hdr: Float32Array): void {
  const data = source.data
  const scale = data instanceof Uint8Array ? 1 / 255 : data instanceof Uint16Array ? 1 / 65535 : 1
  const ramp = 1 / (1 - BLEND_RAMP_START)
  const chunk = 1 << 16
  const linear = new Float32Array(chunk)
  for (let start = 0; start < hdr.length; start += chunk) {
    const count = Math.min(chunk, hdr.length - start)
    lineariseSamples(source, start, count, linear)
    for (let i = 0; i < count; i++) {
      const alpha = Math.min(1, Math.max(0, (data[start + i] * scale - BLEND_RAMP_START) * ramp))
      hdr[start + i] = (1 - alpha) * linear[i] + alpha * hdr[start + i]
    }
  }
}

/**
 * Low-light counterpart of `engine.predictStrips`: the whole photo is processed (exposure and
 * noise need global statistics), then handed to `sink` in strips of at most `stripRows` rows.
 * @param engine A loaded engine.
 * @param source sRGB floats in [0,1] or 8/16-bit sRGB samples.
 * @param sink Receives matching linear and display strips.
 * @param options Cancel and progress.
 * @returns Time spent predicting and processing.
 * @throws UnclipError `CANCELLED`; whatever `sink` throws.
 */
export async function predictLowLightStrips(
  engine: Engine,
  source: PixelSource,
  sink: LowLightSink,
  options: PredictOptions = {},
  stripRows = 256
): Promise<PredictTimings> {
  const { linear, display, timings } = await lowLightImage(engine, source, options)
  const rowLength = source.width * 3
  for (let y = 0; y < source.height; y += stripRows) {
    throwIfAborted(options.signal)
    const rows = Math.min(stripRows, source.height - y)
    const strip = (image: RgbImage): RgbImage => ({
      width: source.width,
      height: rows,
      data: image.data.subarray(y * rowLength, (y + rows) * rowLength)
    })
    await sink(strip(linear), strip(display), y)
  }
  return timings
}
