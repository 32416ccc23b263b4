/**
 * The engine's public shape (`engine.ts` implements it): options, the prediction's forms (whole,
 * streamed in strips, or the model's part alone) and its timings.
 */
import type { RatioField } from '../imaging/guided-upsample'
import type { EncodedStrip, StripEncodings } from '../parallel/strip-work'
import type { EngineInfo, ModelCard, PixelSource, ProviderName, RgbImage, RgbSamples } from '../types'

export interface EngineOptions {
  /** Folder of model cards; `defaultModelsDir()` when omitted. */
  modelsDir?: string
  /** Model name; the newest non-fixture model when omitted. */
  model?: string
  /** Force one execution provider; otherwise the platform's preference order with fallback. */
  provider?: ProviderName
  /**
   * Worker threads for the full-resolution strips: the entry script (default: the one beside the
   * engine's sources; the built app passes its bundled `strip-worker.js`) and the thread count
   * (default: the cores, at most 4), or `false` to compute strips on the calling thread.
   */
  stripWorkers?: { entry?: string | URL; size?: number } | false
  /** Convert a small image while loading, so the first photo meets optimised code (default true). */
  warmUp?: boolean
}

export interface PredictOptions {
  signal?: AbortSignal
  /** Fraction of this prediction done, in [0,1]. */
  onProgress?: (fraction: number) => void
  /**
   * Encodings the sink wants with every strip. When given, strips of reduced-size predictions are
   * computed and encoded on the engine's worker threads and the sink receives the encoded forms;
   * otherwise (or when no threads are available) the sink receives floats only. A function is asked
   * once the model has run, for encodings that depend on its output (the automatic white point).
   */
  encode?: StripEncodings | ((prediction: PredictionSummary) => StripEncodings | Promise<StripEncodings>)
  /**
   * The source already reduced to `engine.inferenceSize` (e.g. decoded at that size with
   * `decodeSamples`' `reducedSize`); saves reducing it here. Ignored when its size differs.
   */
  reduced?: RgbImage
  /**
   * Awaited after the model and the ratio fit, before the strips: a batch holds the next photo
   * here until the current one is written.
   */
  beforeStrips?: (prediction: PredictionSummary) => Promise<void>
  /**
   * The model's part, already done for this photo by `predictRatio`: only the strips are computed.
   * One with a field applies to the photo at any size (the app's preview copy of it, say).
   */
  ratio?: RatioPrediction
}

/** What is known of a prediction once the model has run, before its full-resolution strips. */
export interface PredictionSummary {
  width: number
  height: number
  /**
   * The full-resolution result's largest channel value, exactly (`ratioPeak`), computed on the first
   * call (~0.2 s of work at 12 MP, split over the engine's threads): the automatic white point's
   * peak, in the app, its batches and the CLI alike. (The model output's own peak is no stand-in:
   * 20.9 against a result peaking at 4.75 on a 12 MP scene photo.)
   */
  peak: () => Promise<number>
}

/**
 * The model's part of a prediction, before full resolution: the ratio field that `applyRatioRows`
 * applies at any size (the full photo, or the app's preview), or, when the model ran on the whole
 * photo, its result itself.
 */
export interface RatioPrediction {
  /** The photo's size. */
  width: number
  height: number
  /** Absent when the model ran at the photo's own size: `small` is then the result. */
  field?: RatioField
  /** The model's linear output. */
  small: RgbImage
  /** `inference` and the fit's share of `upsample`. */
  timings: PredictTimings
}

/** Receives full-width HDR row strips top to bottom; the strip's buffer is reused after it returns. */
export type StripSink = (strip: RgbImage, y: number, encoded?: EncodedStrip) => void | Promise<void>

/**
 * Milliseconds spent in a prediction (strip sinks excluded): `inference` is the reduction and the
 * model, `upsample` the guided fit and the full-res rows, `strips` the wall time of the full-res
 * phase. With worker threads, `upsample`, `rgbe` and `png` are their busy time summed.
 */
export interface PredictTimings {
  inference: number
  upsample: number
  strips: number
  rgbe: number
  png: number
}

export interface Engine {
  readonly info: EngineInfo
  readonly card: ModelCard
  /**
   * The size the model runs at for a photo of this size (see `inferenceSize`).
   * @returns Width and height, each ≤ the photo's.
   */
  inferenceSize(width: number, height: number): { width: number; height: number }
  /**
   * Predicts the HDR image. Holds the whole float output; use `predictStrips` for big images.
   * @param image sRGB-encoded RGB in [0,1], or the integer samples it was decoded from (the same result).
   * @returns Linear radiance relative to the input's exposure, same size.
   * @throws UnclipError `CANCELLED` within one strip or tile of the signal firing.
   */
  predict(image: PixelSource, options?: PredictOptions): Promise<RgbImage>
  /**
   * The largest channel value `ratio` gives `image` at full resolution, exactly, without making the
   * result (`ratioPeak`), its work split over the engine's threads: the automatic white point's peak.
   * @param ratio `predictRatio`'s result for `image`.
   * @param image The photo at full resolution.
   * @throws UnclipError `CANCELLED` when `signal` fires (checked before and after the threads' part).
   */
  resultPeak(ratio: RatioPrediction, image: PixelSource, signal?: AbortSignal): Promise<number>
  /**
   * Same prediction, streamed: calls `sink` with consecutive full-width strips of rows, so the
   * full-size float output never exists. Also takes the integer samples `decodeSamples` returns.
   * @param source sRGB floats in [0,1] or 8/16-bit sRGB samples.
   * @returns Time spent running the model and upsampling.
   * @throws UnclipError `CANCELLED` as `predict`; whatever `sink` throws.
   */
  predictStrips(source: RgbImage | RgbSamples, sink: StripSink, options?: PredictOptions): Promise<PredictTimings>
  /**
   * The model and the ratio fit only (`predict`'s first half, its progress up to one half).
   * @param source sRGB floats in [0,1] or 8/16-bit sRGB samples.
   * @returns The field to apply at any size; pass it back as `ratio` for the full resolution.
   * @throws UnclipError `CANCELLED` as `predict`.
   */
  predictRatio(source: RgbImage | RgbSamples, options?: PredictOptions): Promise<RatioPrediction>
  dispose(): Promise<void>
}

/** An engine on its way (`startEngine`): its card is read, its session still opening. */
export interface EngineLoading {
  readonly card: ModelCard
  /** As `Engine.inferenceSize`. */
  inferenceSize(width: number, height: number): { width: number; height: number }
  /** The engine once its session is open. */
  readonly ready: Promise<Engine>
}
