/**
 * Converts one photo file into the requested HDR/SDR outputs: decode, predict in strips, encode
 * each strip into every writer, then move the finished files into place. Nothing is written over
 * an existing file unless asked, and a failure or cancel leaves no partial output behind.
 */
import { existsSync } from 'node:fs'
import { decodeSamples } from './decode'
import type { Engine, EngineLoading, PredictionSummary, PredictOptions } from './engine'
import { MODES } from '../domain/modes'
import { throwIfAborted, toUnclipError, UnclipError } from '../errors'
import { FORMATS, isLinearFormat } from '../domain/formats'
import { predictLowLightStrips } from './lowlight-run'
import type { ProtectedFiles } from './writers/file-commit'
import { writeOutputs, writeStep } from './writers/write-outputs'
import { autoWhitePoint, DEFAULT_TONEMAP, LOW_LIGHT_DISPLAY_TONEMAP } from '../imaging/tonemap'
import type { EncodedStrip, StripEncodings } from '../parallel/strip-work'
import type {
  ConvertOptions,
  ConvertResult,
  Mode,
  OutputFormat,
  ProgressEvent,
  RgbImage,
  Stage,
  StageTimings,
  ToneMapSettings
} from '../types'

/** Share of a file's progress each stage ends at. */
const PROGRESS_AT: Partial<Record<Stage, number>> = {
  decode: 0.15,
  inference: 0.5,
  upsample: 0.9,
  encode: 0.97,
  write: 1
}

export interface ConvertFileOptions extends ConvertOptions {
  /** Output path without extension, e.g. `/out/beach` → `/out/beach.hdr`, `/out/beach.png`. */
  outputBase: string
  /** Position in a batch, for progress events (default 0 of 1). */
  index?: number
  total?: number
  /** Files never to replace, by identity: the batch's inputs and earlier outputs (`ProtectedFiles`). */
  protect?: ProtectedFiles
  /** The exact path of the one output format, instead of `outputBase` + its suffix. */
  targetPath?: string
  /** An editor's round trip: a tone-mapped TIFF keeps an 8-bit original's 8 bits (16 otherwise). */
  matchInputDepth?: boolean
  /** Awaited before the full-resolution strips, in HDR mode (`PredictOptions.beforeStrips`). */
  beforeStrips?: PredictOptions['beforeStrips']
}

/**
 * Output path for one format.
 * @param outputBase Path without extension.
 * @param format Output format.
 * @returns `<base>.hdr`, `<base>.png`, `<base>-16bit.png`, `<base>.exr`, `<base>.jpg` or `<base>-ultrahdr.jpg`.
 */
export function outputPathFor(outputBase: string, format: OutputFormat): string {
  return outputBase + FORMATS[format].suffix
}

/**
 * Converts one file.
 * @param engine A loaded engine, or one still loading (`startEngine`): the photo is decoded meanwhile.
 * @param inputPath Absolute input path.
 * @param options Formats, overwrite, tone mapping, cancel and progress; `outputBase` names the outputs.
 * @returns The files written and per-stage timings.
 * @throws UnclipError `OUTPUT_EXISTS` (before any work), the decode errors, `MODE_UNAVAILABLE`,
 *   `INVALID_ARGUMENT`, `TOO_LARGE` (EXR or Ultra HDR of an image over 100 MP), `OUTPUT_NOT_WRITABLE`, `DISK_FULL`, `CANCELLED`.
 */
export async function convertFile(
  engine: Engine | EngineLoading,
  inputPath: string,
  options: ConvertFileOptions
): Promise<ConvertResult> {
  const { formats, signal } = options
  if (formats.length === 0)
    throw new UnclipError('INVALID_ARGUMENT', 'Expected at least one output format but received none')
  // Every model runs every mode (`MODES`); a loaded engine says which it offers.
  const modes: readonly Mode[] = 'ready' in engine ? MODES : engine.info.modes
  if (!modes.includes(options.mode)) {
    throw new UnclipError(
      'MODE_UNAVAILABLE',
      `Mode "${options.mode}" is not available with model "${engine.card.name}"`
    )
  }
  const lowLight = options.mode === 'lowlight'
  if (options.targetPath !== undefined && formats.length !== 1)
    throw new UnclipError('INVALID_ARGUMENT', `Expected one output format for ${options.targetPath}`)
  const targets = [...new Set(formats)].map((format) => ({
    format,
    path: options.targetPath ?? outputPathFor(options.outputBase, format)
  }))
  if (!options.overwrite) {
    const existing = targets.find((t) => existsSync(t.path))
    if (existing)
      throw new UnclipError('OUTPUT_EXISTS', `Output already exists: ${existing.path} (use --overwrite to replace it)`)
  }
  const report = (stage: Stage, fraction: number): void =>
    options.onProgress?.({
      index: options.index ?? 0,
      total: options.total ?? 1,
      file: inputPath,
      stage,
      fraction
    } satisfies ProgressEvent)
  const timings: StageTimings = {}
  try {
    throwIfAborted(signal)
    report('decode', 0)
    const started = performance.now()
    // The model's reduced copy is decoded alongside the full image, not reduced from it afterwards.
    const {
      samples: image,
      metadata,
      reduced,
      sourceColour
    } = await decodeSamples(inputPath, {
      reducedSize: (w, h) => reducedSizeFor(engine, w, h),
      shared: true
    })
    timings.decode = performance.now() - started
    const loaded = 'ready' in engine ? await engine.ready : engine
    throwIfAborted(signal)

    const tonemap = lowLight ? LOW_LIGHT_DISPLAY_TONEMAP : (options.tonemap ?? DEFAULT_TONEMAP)
    const context = {
      width: image.width,
      height: image.height,
      tonemap,
      exif: metadata.exif,
      keepGps: options.keepGps ?? false,
      jpegQuality: options.jpegQuality,
      overwrite: options.overwrite,
      protect: options.protect,
      // TIFFs go back to editors in the photo's own colour space.
      sourceColour: sourceColour && { ...sourceColour, input: image },
      // The photo's own depth: a wide-gamut photo's sRGB copy is 16-bit whatever the photo is.
      tiffBits: options.matchInputDepth && metadata.bitsPerSample === 8 ? (8 as const) : undefined,
      timings
    }
    const outputs = await writeOutputs(
      targets,
      context,
      async (writers) => {
        report('inference', PROGRESS_AT.decode!)
        // Low-light mode hands display-referred writers its tone-curved picture, linear ones its radiance.
        const add = async (strip: RgbImage, display: RgbImage = strip, encoded?: EncodedStrip): Promise<void> => {
          for (const writer of writers)
            await writeStep(writer, () => writer.add(isLinearFormat(writer.format) ? strip : display, encoded))
        }
        const predictOptions = {
          signal,
          // HDR mode: the strips' Radiance and PNG encodings are made beside the upsampling, on worker threads.
          encode: lowLight
            ? undefined
            : async (prediction: PredictionSummary): Promise<StripEncodings> => {
                // An automatic white point needs the model's output; the writers read the context's
                // tone when their first strip arrives, which is after this.
                if (options.autoWhitePoint)
                  context.tonemap = {
                    ...tonemap,
                    whitePoint: autoWhitePoint(await prediction.peak(), tonemap.exposureEv)
                  }
                return stripEncodings(
                  targets.map((t) => t.format),
                  context.tonemap
                )
              },
          reduced,
          beforeStrips: lowLight ? undefined : options.beforeStrips,
          onProgress: (f: number) =>
            f <= 0.5
              ? report('inference', lerp(PROGRESS_AT.decode!, PROGRESS_AT.inference!, f / 0.5))
              : report('upsample', lerp(PROGRESS_AT.inference!, PROGRESS_AT.upsample!, (f - 0.5) / 0.5))
        }
        const predicted = lowLight
          ? await predictLowLightStrips(loaded, image, (linear, display) => add(linear, display), predictOptions)
          : await loaded.predictStrips(image, (strip, _y, encoded) => add(strip, strip, encoded), predictOptions)
        timings.inference = predicted.inference
        timings.upsample = predicted.upsample
        timings.strips = predicted.strips
        // Encoding done on worker threads is their busy time; the writers add what they did here.
        if (predicted.rgbe) timings.hdrEncode = (timings.hdrEncode ?? 0) + predicted.rgbe
        if (predicted.png) timings.pngEncode = (timings.pngEncode ?? 0) + predicted.png
      },
      {
        signal,
        onStage: (stage) => report(stage, stage === 'encode' ? PROGRESS_AT.upsample! : PROGRESS_AT.encode!)
      }
    )
    report('done', 1)
    return { input: inputPath, outputs, timings, tonemap: context.tonemap }
  } catch (error) {
    throw toUnclipError(error)
  }
}

/**
 * The model's input size for a photo reduced at least 2×, where decoding it at that size saves
 * real work and libvips' reduction is mostly its box shrink; milder reductions (small photos) are
 * left to the engine's exact area average.
 */
export function reducedSizeFor(
  engine: Pick<Engine, 'inferenceSize'>,
  width: number,
  height: number
): { width: number; height: number } | undefined {
  const size = engine.inferenceSize(width, height)
  return Math.max(width, height) >= 2 * Math.max(size.width, size.height) ? size : undefined
}

/** What each strip should arrive encoded as, for the formats the worker threads encode (Radiance, PNG). */
function stripEncodings(formats: OutputFormat[], tonemap: ToneMapSettings): StripEncodings {
  const rows = formats.map((format) => FORMATS[format])
  return {
    rgbe: rows.some((row) => row.container === 'radiance'),
    png: rows.flatMap((row) =>
      row.container === 'png' && typeof row.bits === 'number' ? [{ bits: row.bits, tonemap }] : []
    )
  }
}

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t
}
