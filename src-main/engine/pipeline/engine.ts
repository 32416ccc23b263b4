/**
 * The engine: one loaded model on one execution provider, turning sRGB photos into linear HDR.
 *
 * Full resolution at any size: the model runs on a copy reduced to the card's
 * `inference_long_side` (default 1024; tiled if a panorama is still longer), and its highlight
 * ratio is carried back to full resolution edge-aware (`guided-upsample.ts`), in row strips, so a
 * 100 MP photo never needs more than the input plus one strip of float output.
 */
import type { InferenceSession } from 'onnxruntime-node'
import { throwIfAborted, UnclipError } from '../errors'
import { applyRatioRows } from '../imaging/guided-upsample'
import { downscaleArea } from '../imaging/resample'
import { peakOf } from '../imaging/tonemap'
import { ratioPeak } from '../imaging/ratio-peak'
import { fitRatioInputs, prepareRatioGuide, withModelOutput } from '../imaging/ratio-fit'
import { runModel } from '../model/inference'
import { defaultModelsDir, selectModel } from '../model/model-registry'
import { createSession, providersAvailable } from '../model/providers'
import { createStripPool, type StripPool } from '../parallel/strip-pool'
import { MODES } from '../domain/modes'
import { cardInferenceSize, cardLongSide, inferenceSize, MIN_INFERENCE_SHORT_SIDE } from './inference-size'
import { warmUp } from './warm-up'
import type {
  Engine,
  EngineLoading,
  EngineOptions,
  PredictOptions,
  PredictTimings,
  RatioPrediction,
  StripSink,
  PredictionSummary
} from './engine-types'
import type { EngineInfo, ModelCard, PixelSource, RgbImage } from '../types'

export type {
  Engine,
  EngineLoading,
  EngineOptions,
  PredictionSummary,
  PredictOptions,
  PredictTimings,
  RatioPrediction,
  StripSink
} from './engine-types'
export { cardInferenceSize, cardLongSide, DEFAULT_INFERENCE_LONG_SIDE, inferenceSize } from './inference-size'

/**
 * Target pixels per output strip: ~6 MB of float rows, and enough strips that every worker thread
 * stays busy to the end. The same with and without threads, so both write identical files.
 */
export const STRIP_PIXELS = 1 << 19
/**
 * `predict` spreads a photo's strips over the threads up to this size unless it is in shared memory
 * already: the copy they would read costs 12 bytes a pixel for floats (0.3 GB at 24 MP), 3 for 8-bit
 * samples, for about half the upsampling time.
 */
const SHARE_COPY_MAX_PIXELS = 24e6
/** Share of progress given to running the model; the rest is the full-res upsample. */
const INFERENCE_SHARE = 0.5

/**
 * Loads a model and opens a session on the best available execution provider.
 * @param options Models folder, model name and provider.
 * @returns A ready engine; call `dispose()` when done.
 * @throws UnclipError `MODEL_MISSING`, `MODEL_CORRUPT` (card, file, load or tensor-name mismatch),
 *   `PROVIDER_UNAVAILABLE` (forced provider).
 */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  return (await startEngine(options)).ready
}

/**
 * Reads the model's card and starts opening its session, returning before the session is open: a
 * photo can be sized and decoded meanwhile (the CLI's first photo).
 * @param options As `createEngine`'s.
 * @returns The card, the model's sizes, and `ready`, the engine once loaded (rejecting with
 *   `createEngine`'s `MODEL_CORRUPT` and `PROVIDER_UNAVAILABLE`; whoever awaits it sees them).
 * @throws UnclipError `MODEL_MISSING`, `MODEL_CORRUPT` for the card, before anything starts.
 */
export async function startEngine(options: EngineOptions = {}): Promise<EngineLoading> {
  const entry = await selectModel(options.modelsDir ?? defaultModelsDir(), options.model)
  const ready = openEngine(entry, options)
  // Handled by whoever awaits `ready`; not an unhandled rejection while a photo decodes meanwhile.
  ready.catch(() => undefined)
  return { card: entry.card, inferenceSize: cardInferenceSize(entry.card), ready }
}

async function openEngine(
  { card, onnxPath }: Awaited<ReturnType<typeof selectModel>>,
  options: EngineOptions
): Promise<Engine> {
  // The threads load while the session does (both are start-up, before the first decode).
  const pool = startStripPool(options.stripWorkers)
  let opened: Awaited<ReturnType<typeof createSession>>
  try {
    opened = await createSession(onnxPath, options.provider)
  } catch (error) {
    await pool?.dispose()
    if (error instanceof UnclipError) throw error
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]
    throw new UnclipError('MODEL_CORRUPT', `Model "${card.name}" could not be loaded from ${onnxPath}: ${reason}`, {
      cause: error
    })
  }
  const { session, report } = opened
  if (!session.inputNames.includes(card.input) || !session.outputNames.includes(card.output)) {
    await session.release()
    await pool?.dispose()
    throw new UnclipError(
      'MODEL_CORRUPT',
      `Model "${card.name}" does not match its card: expected input "${card.input}" and output "${card.output}", the file has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}]`
    )
  }
  const info: EngineInfo = {
    model: { name: card.name, version: card.version, fixture: Boolean(card.fixture) },
    providersAvailable: providersAvailable(),
    provider: report,
    modes: [...MODES]
  }
  // Part of loading: the threads' start-up is paid once per engine, not by the first photo.
  await pool?.ready
  const engine = new SessionEngine(session, card, info, pool)
  if (options.warmUp !== false) await warmUp(engine)
  return engine
}

function startStripPool(settings: EngineOptions['stripWorkers']): StripPool | undefined {
  if (settings === false) return undefined
  try {
    return createStripPool(settings?.entry ?? defaultStripWorkerEntry(), settings?.size)
  } catch {
    // No worker threads here (a sandbox without them, say): strips are computed on the calling thread.
    return undefined
  }
}

/** The worker entry beside the engine's sources (run through tsx), or beside the bundle it was built into. */
function defaultStripWorkerEntry(): URL {
  // A name in a variable, so bundlers leave this URL alone instead of emitting it as an asset.
  const name = import.meta.url.endsWith('.ts') ? '../parallel/strip-worker-entry.mjs' : 'strip-worker.js'
  return new URL(name, import.meta.url)
}

class SessionEngine implements Engine {
  constructor(
    private readonly session: InferenceSession,
    readonly card: ModelCard,
    readonly info: EngineInfo,
    private readonly pool: StripPool | undefined
  ) {}

  /** The card's model-run long side, or the default. */
  private get longSide(): number {
    return cardLongSide(this.card)
  }

  inferenceSize(width: number, height: number): { width: number; height: number } {
    return inferenceSize(width, height, this.longSide)
  }

  async predict(image: PixelSource, options: PredictOptions = {}): Promise<RgbImage> {
    const data = new Float32Array(image.width * image.height * 3)
    // Asking for no encodings still puts the strips on the worker threads (the app's preview), with
    // the same floats, where they can read the photo.
    const encode = options.encode ?? (threadsCanRead(image) ? { rgbe: false, png: [] } : undefined)
    await this.predictStrips(image, (strip, y) => data.set(strip.data, y * image.width * 3), { ...options, encode })
    return { width: image.width, height: image.height, data }
  }

  async predictRatio(image: PixelSource, options: PredictOptions = {}): Promise<RatioPrediction> {
    assertImage(image)
    const { signal, onProgress } = options
    throwIfAborted(signal)
    const small = this.inferenceSize(image.width, image.height)
    const reduced = small.width !== image.width || small.height !== image.height
    const started = performance.now()
    // At full size this is just the float conversion integer samples need anyway.
    const given = options.reduced
    const ldrSmall =
      reduced && given?.width === small.width && given.height === small.height
        ? given
        : reduced || !(image.data instanceof Float32Array)
          ? downscaleArea(image, small.width, small.height)
          : (image as RgbImage)
    throwIfAborted(signal)
    const modelRun = runModel(this.session, this.card, ldrSmall, {
      signal,
      maxTileSide: Math.max(this.longSide, MIN_INFERENCE_SHORT_SIDE),
      onProgress: (f) => onProgress?.(f * INFERENCE_SHARE)
    })
    // onnxruntime-node runs the session on this thread from a setImmediate (its intra-op threads help),
    // so the half of the fit that needs only the model's input runs before it, not beside it (--cpu-prof).
    const guideStarted = performance.now()
    const guide = reduced ? prepareRatioGuide(ldrSmall) : undefined
    const guideMs = performance.now() - guideStarted
    const hdrSmall = await modelRun
    const timings: PredictTimings = {
      inference: performance.now() - started - guideMs,
      upsample: guideMs,
      strips: 0,
      rgbe: 0,
      png: 0
    }
    const fitStarted = performance.now()
    const inputs = guide ? withModelOutput(guide, hdrSmall) : undefined
    const pool = this.pool && this.pool.size > 0 ? this.pool : undefined
    const field = !inputs ? undefined : pool ? await pool.fit(inputs) : fitRatioInputs(inputs)
    timings.upsample += performance.now() - fitStarted
    return { width: image.width, height: image.height, small: hdrSmall, timings, ...(field ? { field } : {}) }
  }

  async predictStrips(image: PixelSource, sink: StripSink, options: PredictOptions = {}): Promise<PredictTimings> {
    assertImage(image)
    const given = options.ratio
    // A field applies at any size (the app's preview); a whole result only at its own.
    const ratio =
      given && (given.field || (given.width === image.width && given.height === image.height))
        ? given
        : await this.predictRatio(image, options)
    const { signal, onProgress } = options
    throwIfAborted(signal)
    const { field, small: hdrSmall } = ratio
    const timings = { ...ratio.timings }
    const stripRows = Math.max(1, Math.floor(STRIP_PIXELS / image.width))
    const pool = field && options.encode && this.pool && this.pool.size > 0 ? this.pool : undefined
    let peak: Promise<number> | undefined
    const summary: PredictionSummary = {
      width: image.width,
      height: image.height,
      // Exact without making the result: only the bands that could hold the peak are computed.
      peak: () => (peak ??= this.resultPeak(ratio, image, signal))
    }
    await options.beforeStrips?.(summary)
    const encode = typeof options.encode === 'function' ? await options.encode(summary) : options.encode

    const stripsStarted = performance.now()
    if (field && pool && encode) {
      await pool.run(
        { source: image, field, encode },
        stripRows,
        async (strip, y, encoded) => {
          timings.upsample += encoded.ms.upsample
          timings.rgbe += encoded.ms.rgbe
          timings.png += encoded.ms.png
          await sink(strip, y, encoded)
          onProgress?.(INFERENCE_SHARE + (1 - INFERENCE_SHARE) * ((y + strip.height) / image.height))
        },
        signal
      )
      timings.strips = performance.now() - stripsStarted
      return timings
    }
    const buffer = field ? new Float32Array(Math.min(stripRows, image.height) * image.width * 3) : undefined
    for (let y = 0; y < image.height; y += stripRows) {
      throwIfAborted(signal)
      const rows = Math.min(stripRows, image.height - y)
      const t0 = performance.now()
      let data: Float32Array
      if (field && buffer) {
        data = buffer.subarray(0, rows * image.width * 3)
        applyRatioRows(field, image, y, rows, data)
      } else {
        data = hdrSmall.data.subarray(y * image.width * 3, (y + rows) * image.width * 3)
      }
      timings.upsample += performance.now() - t0
      await sink({ width: image.width, height: rows, data }, y)
      onProgress?.(INFERENCE_SHARE + (1 - INFERENCE_SHARE) * ((y + rows) / image.height))
    }
    timings.strips = performance.now() - stripsStarted
    return timings
  }

  async resultPeak(ratio: RatioPrediction, image: PixelSource, signal?: AbortSignal): Promise<number> {
    throwIfAborted(signal)
    const { field, small } = ratio
    if (!field) return peakOf(small.data)
    const pool = this.pool && this.pool.size > 0 && threadsCanRead(image) ? this.pool : undefined
    return pool ? pool.peak(field, image, signal) : ratioPeak(field, image)
  }

  async dispose(): Promise<void> {
    await this.pool?.dispose()
    await this.session.release()
  }
}

/** True when the strip threads can read `image`: it is in shared memory, or small enough to copy there. */
function threadsCanRead(image: PixelSource): boolean {
  return image.data.buffer instanceof SharedArrayBuffer || image.width * image.height <= SHARE_COPY_MAX_PIXELS
}

function assertImage(image: PixelSource): void {
  const { width, height, data } = image
  const typed = data instanceof Float32Array || data instanceof Uint8Array || data instanceof Uint16Array
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 1 ||
    height < 1 ||
    !typed ||
    data.length !== width * height * 3
  ) {
    throw new UnclipError(
      'INVALID_ARGUMENT',
      `Expected an RGB image with positive integer size and width·height·3 values but received ${width}×${height} with ${data?.length} values`
    )
  }
}
