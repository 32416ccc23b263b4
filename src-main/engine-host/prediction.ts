/**
 * One photo's conversion in one mode, as the engine host keeps it, and which of its images each
 * consumer gets. The choice is `convertFile`'s, so the app and the CLI write the same files:
 * linear outputs (.hdr, .exr, Ultra HDR) get radiance; PNG, JPEG, the TIFF of Save and return and
 * the preview get low light's finished picture with `LOW_LIGHT_DISPLAY_TONEMAP`, whose curve and
 * exposure are already applied, or in HDR mode the radiance with the user's tone settings.
 */
import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { decodeRadiance } from '../engine/codecs/radiance-decoder'
import type { Engine, PredictOptions } from '../engine/pipeline/engine'
import type { DecodedPhoto } from '../engine/pipeline/decode'
import { isLinearFormat } from '../engine/domain/formats'
import {
  DEFAULT_LOW_LIGHT_CONTROLS,
  lowLightDisplay,
  processLowLightAsync,
  type LowLightControls
} from '../engine/pipeline/lowlight'
import { lowLightSource } from '../engine/pipeline/lowlight-run'
import { LOW_LIGHT_DISPLAY_TONEMAP } from '../engine/imaging/tonemap'
import type { Mode, OutputFormat, RgbImage, ToneMapSettings } from '../engine/types'

export interface Prediction {
  mode: Mode
  /** Linear radiance: the model's prediction, or low light's exposed and denoised result. */
  linear: RgbImage
  /** Low light only: display-linear values in [0,1], to be clamped and sRGB-encoded only. */
  display?: RgbImage
  /** Low light only: the controls it was processed with. */
  controls?: LowLightControls
  /** The ramp level of its "before" (`rampLevel`), when its preview-size result fixed it first. */
  rampLevel?: number
}

/** Low light's share of progress that is the model's; the rest is its own processing. */
const LOW_LIGHT_PREDICT_SHARE = 0.8

/** Options of `predict`: progress names the stage; low light may start from its cached model output. */
export interface PredictionOptions {
  signal?: AbortSignal
  onProgress?: (stage: 'inference' | 'denoise' | 'tone', fraction: number) => void
  controls?: LowLightControls
  /** Low light's model output for this photo from an earlier run (`lowLightSource`); kept by the caller. */
  source?: RgbImage
  onSource?: (source: RgbImage) => void
  /** The model's reduced copy of the photo, decoded with it (`DecodedPhoto.reduced`). */
  reduced?: RgbImage
}

/**
 * Runs `mode` on a whole decoded photo.
 * @param engine A loaded engine.
 * @param photo The decoded photo: HDR mode reads its samples, low light its float copy.
 * @param mode `hdr` or `lowlight` (already validated).
 * @param options Cancel, progress by stage (fraction of the whole job) and low light's controls.
 * @returns The images every consumer picks from.
 * @throws UnclipError `CANCELLED`, and whatever the prediction throws.
 */
export async function predict(
  engine: Engine,
  photo: DecodedPhoto,
  mode: Mode,
  options: PredictionOptions
): Promise<Prediction> {
  const { signal, onProgress } = options
  if (mode === 'hdr') {
    const predictOptions: PredictOptions = {
      signal,
      onProgress: (f) => onProgress?.('inference', f),
      reduced: options.reduced
    }
    return { mode, linear: await engine.predict(photo.samples, predictOptions) }
  }
  let source = options.source
  if (!source) {
    source = (
      await lowLightSource(engine, photo.image, {
        signal,
        reduced: options.reduced,
        onProgress: (f) => onProgress?.('inference', f * LOW_LIGHT_PREDICT_SHARE)
      })
    ).hdr
    options.onSource?.(source)
  }
  const controls = options.controls ?? DEFAULT_LOW_LIGHT_CONTROLS
  const { linear, display } = await processLowLightAsync(source, {
    signal,
    controls,
    onStep: ({ stage, fraction }) =>
      onProgress?.(stage, LOW_LIGHT_PREDICT_SHARE + (1 - LOW_LIGHT_PREDICT_SHARE) * fraction)
  })
  return { mode, linear, display, controls }
}

/**
 * A prediction read back from the Radiance file a batch wrote for this photo, so a converted photo
 * reopens with its result instead of converting again (RGBE keeps about 1 % per sample).
 * @param file The batch's `.hdr` output (its linear radiance; low light's exposed result).
 * @param size The photo's size; a file of another size is not this photo's result.
 * @returns The prediction, or null when the file is not a Radiance file of that size.
 */
export async function predictionFromFile(
  file: string,
  mode: Mode,
  size: { width: number; height: number }
): Promise<Prediction | null> {
  if (extname(file).toLowerCase() !== '.hdr') return null
  const { width, height, data } = decodeRadiance(await readFile(file))
  if (width !== size.width || height !== size.height) return null
  const linear = { width, height, data }
  return mode === 'lowlight' ? { mode, linear, display: lowLightDisplay(linear).display } : { mode, linear }
}

/** True when two sets of low-light controls are the same (absent counts as the defaults). */
export function sameControls(a: LowLightControls | undefined, b: LowLightControls | undefined): boolean {
  const x = a ?? DEFAULT_LOW_LIGHT_CONTROLS
  const y = b ?? DEFAULT_LOW_LIGHT_CONTROLS
  return x.brightnessEv === y.brightnessEv && x.denoise === y.denoise && x.blackPoint === y.blackPoint
}

/** The image the preview and display-referred files show. */
export function displayImage(prediction: Prediction): RgbImage {
  return prediction.display ?? prediction.linear
}

/** The image the writer of `format` is fed. */
export function imageFor(prediction: Prediction, format: OutputFormat): RgbImage {
  return isLinearFormat(format) ? prediction.linear : displayImage(prediction)
}

/** Tone settings for display-referred files: the user's apply to HDR mode only. */
export function toneFor(prediction: Prediction, tonemap: ToneMapSettings): ToneMapSettings {
  return prediction.display ? LOW_LIGHT_DISPLAY_TONEMAP : tonemap
}
