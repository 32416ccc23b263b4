/**
 * The engine's public types: one contract shared by the CLI, the Electron shell and the renderer.
 * Pure types only (no Node imports) so the renderer can import it too.
 */
import type { Mode } from './domain/modes'
import type { OutputFormat } from './domain/formats'
import type { ProviderName } from './domain/provider-names'
import type { ToneOperator } from './domain/tone-limits'

// The unions are derived from the domain tables; re-exported so one import serves every type.
export type { Mode, OutputFormat, ProviderName, ToneOperator }

/** Preview/export tone-mapping settings. Formulas live in `tonemap.ts`. */
export interface ToneMapSettings {
  operator: ToneOperator
  /** Exposure in stops applied to linear radiance before the operator (range: `TONE_LIMITS`). */
  exposureEv: number
  /** Extended-Reinhard white point (luminance mapped to 1.0), > 0; `Infinity` gives plain Reinhard. */
  whitePoint: number
  /** Display gamma applied after the sRGB encode's linear→display step; 1 means plain sRGB. */
  gamma: number
}

/** An interleaved RGB float image: `data.length === width * height * 3`. */
export interface RgbImage {
  width: number
  height: number
  data: Float32Array
}

/**
 * Interleaved RGB integer samples exactly as decoded: sRGB-encoded, 8- or 16-bit,
 * `data.length === width * height * 3`. A quarter (8-bit) or half (16-bit) of the memory of the
 * same picture as an `RgbImage`, which is what lets 100 MP photos convert in bounded memory.
 */
export interface RgbSamples {
  width: number
  height: number
  bits: 8 | 16
  data: Uint8Array | Uint16Array
}

/** Full-resolution input: float sRGB values, or the integer samples they were decoded from. */
export type PixelSource = RgbImage | RgbSamples

/** Metadata kept from the input for the outputs. */
export interface SourceMetadata {
  /** Raw EXIF block as sharp returns it (orientation already applied to the pixels), if any. */
  exif?: Buffer
  /** Input format as sharp names it (`jpeg`, `png`, ...). */
  format: string
  /** Width and height after orientation. */
  width: number
  height: number
  /** Whether the input carried an ICC profile that was converted to sRGB. */
  hadIccProfile: boolean
  /** The photo's own sample depth: 8, or 16 for anything deeper. */
  bitsPerSample?: 8 | 16
}

/** A decoded input: sRGB-encoded values in [0,1], orientation applied, ICC converted to sRGB. */
export interface DecodedImage {
  image: RgbImage
  metadata: SourceMetadata
}

/** Stages reported while converting one file (`denoise` and `tone`: low light's own processing, in the app). */
export type Stage =
  | 'queued'
  | 'decode'
  | 'inference'
  | 'upsample'
  | 'denoise'
  | 'tone'
  | 'encode'
  | 'write'
  | 'done'
  | 'failed'
  | 'skipped'

/** One structured progress event. `fraction` is the file's own progress in [0,1]. */
export interface ProgressEvent {
  index: number
  total: number
  file: string
  stage: Stage
  fraction: number
  /** On `done`: the files written, so a record of the batch survives a crash of whoever ran it. */
  outputs?: string[]
  /** On `failed`: why. */
  error?: { code: ErrorCode; message: string }
}

/** Options shared by single-file and batch conversion. */
export interface ConvertOptions {
  /** Absolute output folder; created if missing. */
  outDir: string
  formats: OutputFormat[]
  mode: Mode
  /** Replace existing outputs; off by default so user files are never lost. */
  overwrite: boolean
  /** Tone mapping for PNG, JPEG and the Ultra HDR base image; `DEFAULT_TONEMAP` when omitted. */
  tonemap?: ToneMapSettings
  /**
   * Take each photo's white point from its own result (`autoWhitePoint` of the result's peak, found
   * before the strips, as the app does) instead of `tonemap.whitePoint`. HDR mode only; off when omitted.
   */
  autoWhitePoint?: boolean
  /** Copy the photo's GPS location into the outputs' metadata; off by default (location is private). */
  keepGps?: boolean
  /** Quality of the plain `jpg` output; `JPEG_QUALITY.default` when omitted. */
  jpegQuality?: number
  signal?: AbortSignal
  onProgress?: (event: ProgressEvent) => void
}

/**
 * Per-stage milliseconds of one conversion. `strips` is the wall time of the full-resolution phase
 * (upsampling and per-strip encoding). When that phase runs on worker threads, `upsample`,
 * `hdrEncode` and `pngEncode` are the threads' busy time summed, so together they can exceed `strips`.
 */
export type StageTimings = Partial<
  Record<
    | 'decode'
    | 'inference'
    | 'upsample'
    | 'strips'
    | 'hdrEncode'
    | 'pngEncode'
    | 'exrEncode'
    | 'jpegEncode'
    | 'tiffEncode'
    | 'write',
    number
  >
>

export interface ConvertResult {
  input: string
  outputs: string[]
  timings: StageTimings
  /** The tone the display-referred outputs were written with (the white point resolved when automatic). */
  tonemap?: ToneMapSettings
}

export interface BatchFailure {
  input: string
  error: { code: ErrorCode; message: string }
}

export interface BatchOptions extends ConvertOptions {
  /** Descend into sub-folders, mirroring the folder tree under `outDir`. */
  recursive: boolean
  /** Explicit output folder; default is `unclip/` inside each input folder. */
  outDirExplicit?: boolean
  /** Index in the plan to start at: a batch resumed after its engine crashed skips what it did. */
  startAt?: number
  /** Receives each folder or file the plan skipped because it could not be read. */
  onWarning?: (warning: BatchWarning) => void
}

/** A folder or file a batch skipped, with the plain sentence saying why. */
export interface BatchWarning {
  file: string
  message: string
}

export interface BatchResult {
  converted: ConvertResult[]
  failed: BatchFailure[]
  /** Inputs skipped because their outputs already exist and `overwrite` is off. */
  skipped: string[]
  cancelled: boolean
  /** Folders and files skipped because they could not be read (absent when there were none). */
  warnings?: BatchWarning[]
}

/** Why an execution provider was (not) chosen. */
export interface ProviderReport {
  requested: ProviderName[]
  chosen: ProviderName
  /** One line per provider that was tried and failed, e.g. `cuda: libcudart.so.12 not found`. */
  fallbacks: { provider: ProviderName; reason: string }[]
}

/** What `unclip info` prints and the status bar shows. */
export interface EngineInfo {
  model: { name: string; version: string; fixture: boolean }
  providersAvailable: ProviderName[]
  provider: ProviderReport
  /** Modes this engine converts in; `lowlight` post-processes the HDR prediction, so every model offers it. */
  modes: Mode[]
}

/** The closed set of error codes; the UI and CLI switch on these. */
export type ErrorCode =
  | 'FILE_NOT_FOUND'
  | 'NOT_AN_IMAGE'
  | 'NOT_READABLE'
  | 'CORRUPT_IMAGE'
  | 'UNSUPPORTED_FORMAT'
  | 'TOO_LARGE'
  | 'OUTPUT_EXISTS'
  /** A target is one of the run's own inputs or outputs (by identity): never replaced, even with overwrite. */
  | 'OUTPUT_PROTECTED'
  | 'OUTPUT_NOT_WRITABLE'
  | 'DISK_FULL'
  | 'MODEL_MISSING'
  | 'MODEL_CORRUPT'
  | 'PROVIDER_UNAVAILABLE'
  | 'MODE_UNAVAILABLE'
  | 'INVALID_ARGUMENT'
  | 'CANCELLED'
  | 'INTERNAL'
  /** The process running the engine died or stopped answering (the app's engine host). */
  | 'ENGINE_CRASHED'

/**
 * `models/<name>.json`, the model card the engine reads beside `models/<name>.onnx`.
 * The engine depends on nothing else about a model.
 */
export interface ModelCard {
  name: string
  version: string
  /** ONNX file name, relative to the card. Defaults to `<name>.onnx`. */
  file?: string
  /** Input tensor name: float32 [1,3,H,W], sRGB-encoded RGB in [0,1]. */
  input: string
  /** Output tensor name: float32 [1,3,H,W], linear radiance relative to the input's exposure. */
  output: string
  /** H and W are reflect-padded up to a multiple of this before inference. */
  size_multiple: number
  /** A test fixture, not a trained model: never offered as the product model. */
  fixture?: boolean
  /**
   * Long side (pixels) the engine runs the model at; larger photos are reduced to it and the
   * model's highlight ratio is upsampled edge-aware to full resolution. Default 1024.
   */
  inference_long_side?: number
  description?: string
}
