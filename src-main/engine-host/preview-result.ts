/**
 * The app's first HDR result, made at preview size: the model's ratio field applied straight to the
 * input's preview copy, so the user sees it without waiting for the full resolution (which export,
 * 1:1 tiles and Save and return need, and which is computed afterwards from the same field).
 */
import { throwIfAborted } from '../engine/errors'
import type { Engine, RatioPrediction } from '../engine/pipeline/engine'
import type { PixelSource, RgbImage } from '../engine/types'
import type { Prediction } from './prediction'
import { finishBefore, planBefore } from './preview'

export interface PreviewResult {
  /** Linear radiance at preview size. */
  hdr: RgbImage
  /** The input linearised as `hdr` is (`linearisedInput`), same size. */
  before: RgbImage
  /**
   * The full-resolution result's largest value, exactly (`ratioPeak`): the automatic white point comes
   * from it, as in the export made later at full resolution, a batch and the CLI.
   */
  peak: number
  /** The ramp level `before` was linearised with; the full-resolution tiles' "before" takes it too. */
  rampLevel: number
}

/**
 * @param engine The engine that made `ratio`: its strip threads apply the field and find the peak
 *   meanwhile this thread prepares the "before".
 * @param ratio The model's part of the prediction, with its field (a photo reduced for the model).
 * @param input The decoded photo at full resolution.
 * @param inputPreview The photo reduced to preview size.
 * @returns The result and the "before" at preview size, and the full-resolution peak.
 * @throws UnclipError `CANCELLED` when `signal` fires.
 */
export async function previewResult(
  engine: Engine,
  ratio: RatioPrediction & { field: NonNullable<RatioPrediction['field']> },
  input: PixelSource,
  inputPreview: RgbImage,
  signal?: AbortSignal,
  onProgress?: (fraction: number) => void
): Promise<PreviewResult> {
  // The strips report the second half of the prediction's progress (the model had the first). The
  // peak's bounds go to the threads first and the preview's strips queue behind them: done on this
  // thread, the peak held back the event loop that hands the strips over, so the two took turns.
  const making = Promise.all([
    engine.predict(inputPreview, { ratio, signal, onProgress }),
    engine.resultPeak(ratio, input, signal)
  ])
  // Handled below; not an unhandled rejection should it fail while the plan is made.
  making.catch(() => undefined)
  // Once the strips are handed over (one turn of the event loop), this thread reads the input for
  // "before" while the threads work, leaving little to do once the result exists.
  await new Promise((resolve) => setImmediate(resolve))
  throwIfAborted(signal)
  const plan = planBefore(inputPreview)
  const [hdr, peak] = await making
  const { before, level } = finishBefore(plan, hdr)
  return { hdr, before, peak, rampLevel: level }
}

/** The full resolution of a preview-first result, computed after it; undefined if it failed or was aborted. */
export interface FullResolution {
  done: Promise<Prediction | undefined>
  abort: AbortController
}

/**
 * HDR mode's first result at preview size, then its full resolution from the same field, started
 * after the caller's current task (so the preview is sent first) and abortable.
 * @param engine A loaded engine.
 * @param input The decoded photo.
 * @param inputPreview The photo at preview size.
 * @returns The preview-size result, or undefined for a photo the model runs on whole (its result is
 *   the full resolution already: nothing to save).
 * @throws UnclipError `CANCELLED` when `signal` fires before the preview is made.
 */
export async function predictPreviewFirst(
  engine: Engine,
  input: PixelSource,
  inputPreview: RgbImage,
  options: { signal: AbortSignal; onProgress: (fraction: number) => void; reduced?: RgbImage }
): Promise<(PreviewResult & { full: FullResolution }) | undefined> {
  const small = engine.inferenceSize(input.width, input.height)
  if (small.width === input.width && small.height === input.height) return undefined
  const ratio = await engine.predictRatio(input, options)
  const field = ratio.field
  if (!field) return undefined
  const shown = await previewResult(
    engine,
    { ...ratio, field },
    input,
    inputPreview,
    options.signal,
    options.onProgress
  )
  const abort = new AbortController()
  const done = new Promise((resolve) => setTimeout(resolve, 0))
    .then(() => engine.predict(input, { ratio, signal: abort.signal }))
    .then(
      (linear): Prediction => ({ mode: 'hdr', linear, rampLevel: shown.rampLevel }),
      () => undefined
    )
  return { ...shown, full: { done, abort } }
}
