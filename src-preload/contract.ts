/**
 * The IPC contract: every command (`domain:verb` → request/response) and every event (noun → payload)
 * between the renderer and the main process. Types only — imported by main, preload and renderer.
 *
 * Every command answers a `Result`; the UI switches on `error.code`, never on message text.
 * Typed arrays (`Float32Array`, `Uint8Array`) cross IPC by structured clone.
 */
import type {
  BatchResult,
  EngineInfo,
  ErrorCode,
  Mode,
  OutputFormat,
  ProgressEvent,
  ProviderName,
  StageTimings,
  ToneMapSettings
} from '../src-main/engine/types'

import type { LowLightControls } from '../src-main/engine/domain/tone-limits'

export type {
  BatchResult,
  EngineInfo,
  LowLightControls,
  Mode,
  OutputFormat,
  ProgressEvent,
  ProviderName,
  ToneMapSettings
}

/** Engine codes plus the shell's own. Closed: adding a code is a contract change. */
export type AppErrorCode =
  | ErrorCode
  /** The renderer asked for a path the user never chose (dialog, drop, open-with, output folder). */
  | 'PATH_NOT_ALLOWED'
  /** `job:cancel` for a job that is not running (finished already or never started). */
  | 'JOB_NOT_FOUND'
  /** A job id that is already running was reused. */
  | 'JOB_EXISTS'
  /** The message did not come from the app's own window. */
  | 'FORBIDDEN'
  /** The engine worker process died; the next command restarts it. */
  | 'ENGINE_CRASHED'

export interface AppError {
  code: AppErrorCode
  message: string
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError }

/** One image file found in a folder. */
export interface FolderEntry {
  /** Absolute path. */
  path: string
  /** File name with extension. */
  name: string
  /** Bytes. */
  size: number
  mtimeMs: number
}

/** What the shell keeps of the input's metadata for display (no raw EXIF bytes). */
export interface ImageInfo {
  /** Input format as sharp names it (`jpeg`, `png`, ...). */
  format: string
  hadIccProfile: boolean
  hasExif: boolean
}

/** `image:open`: the LDR input downscaled for display. */
export interface OpenedImage {
  path: string
  /** Full-resolution size after orientation. */
  width: number
  height: number
  /** Preview size: the long side is at most `PREVIEW_MAX_SIDE`, never upscaled. */
  previewWidth: number
  previewHeight: number
  /** Interleaved sRGB-encoded RGB in [0,1] at preview size: length previewWidth*previewHeight*3. */
  ldr: Float32Array
  /** Fraction of full-resolution pixels with any channel ≥ 254/255 (blown highlights). */
  clippedFraction: number
  metadata: ImageInfo
}

/** `image:convert`: the model's HDR output at the same preview size as `OpenedImage`. */
export interface ConvertedImage {
  path: string
  /** The mode that made `hdr`; it decides how the preview tone-maps it. */
  mode: Mode
  width: number
  height: number
  previewWidth: number
  previewHeight: number
  /**
   * Interleaved linear RGB at preview size. HDR mode: radiance (1.0 = input white), shown with the
   * user's tone settings. Low light: the finished picture in [0,1], shown and exported with
   * `LOW_LIGHT_DISPLAY_TONEMAP` (clamp and sRGB-encode only), since its exposure and curve are applied.
   */
  hdr: Float32Array
  /**
   * The input linearised as `hdr` is, same size and layout, so the preview's "before" goes through the
   * same exposure and tone mapping: HDR mode takes the model's own linearisation (equal to `hdr`
   * wherever a channel is below the blend's ramp), low light the sRGB curve.
   */
  before: Float32Array
  /** Largest channel value of the full-resolution `hdr`. */
  peak: number
  timings: StageTimings
}

/** A rectangle of full-resolution pixels. */
export interface RegionRect {
  x: number
  y: number
  width: number
  height: number
}

/**
 * `image:region`: full-resolution pixels of a rectangle of the opened photo, which the viewer shows
 * at 100 % and above instead of the capped preview. Same layouts as `OpenedImage.ldr` and
 * `ConvertedImage.hdr`/`before`, `width·height·3` samples each.
 */
export interface ImageRegion extends RegionRect {
  path: string
  /** The result's mode the region was cut from; null for the input alone. */
  mode: Mode | null
  ldr: Float32Array
  /** With a mode: the result and the input linearised as it is. */
  hdr?: Float32Array
  before?: Float32Array
}

/** Largest side `image:region` serves (the viewer asks for tiles much smaller). */
export const MAX_REGION_SIDE = 4096

/** Preview long side cap, in pixels. */
export const PREVIEW_MAX_SIDE = 2048

export interface Thumbnail {
  mime: 'image/jpeg'
  bytes: Uint8Array
}

export interface WindowBounds {
  x: number
  y: number
  width: number
  height: number
  maximized: boolean
}

/** Persisted user settings (JSON in the user-data folder). Every field always present. */
export interface Settings {
  /** Folder last opened or browsed, or null. */
  lastFolder: string | null
  /** Most recent first, at most `MAX_RECENT_FOLDERS`. */
  recentFolders: string[]
  export: {
    formats: OutputFormat[]
    /** Output folder; null means `unclip/` next to each input. */
    outDir: string | null
    overwrite: boolean
    /** Copy the photo's GPS location into the files. */
    keepGps: boolean
    /** Quality of a plain JPEG output (`JPEG_QUALITY`). */
    jpegQuality: number
  }
  /** Preview tone mapping, also the default for PNG export and Save and return. */
  preview: ToneMapSettings
  /** The white point follows each result's peak (`autoWhitePoint`) instead of `preview.whitePoint`. */
  autoWhitePoint: boolean
  mode: Mode
  /** 'auto' lets the engine pick the best available provider. */
  provider: ProviderName | 'auto'
  /** Restored on launch; null until the window is first closed. */
  windowBounds: WindowBounds | null
}

export const MAX_RECENT_FOLDERS = 10

/** Native menu items that the renderer acts on. */
export type MenuCommand =
  | 'openFile'
  | 'openFolder'
  | 'export'
  | 'saveAndReturn'
  | 'zoomIn'
  | 'zoomOut'
  | 'zoomFit'
  | 'zoomActual'
  | 'toggleBeforeAfter'
  | 'cancel'

export interface ExportRequest {
  /** An image previously passed to `image:convert` (its HDR is cached; otherwise it is recomputed). */
  path: string
  formats: OutputFormat[]
  tonemap: ToneMapSettings
  mode: Mode
  /** Absolute output folder; default `unclip/` next to the input. */
  outDir?: string
  overwrite: boolean
  /** Writes beside existing files under the first free `<name>-2`, `-3`… instead (ignores `overwrite`). */
  keepBoth?: boolean
  /** Copy the photo's GPS location into the outputs (the CLI's `--keep-gps`); off when absent. */
  keepGps?: boolean
  /** Quality of a plain JPEG output (`JPEG_QUALITY`); its default when absent. */
  jpegQuality?: number
}

export interface BatchRequest {
  /** Caller-chosen id used by `job:progress` and `job:cancel`. */
  jobId: string
  /** Absolute files and/or folders. */
  inputs: string[]
  formats: OutputFormat[]
  outDir?: string
  recursive: boolean
  overwrite: boolean
  mode: Mode
  tonemap: ToneMapSettings
  /** Each photo's white point from its own result, as the screen shows it (`ConvertOptions.autoWhitePoint`). */
  autoWhitePoint?: boolean
  /** As in `ExportRequest`. */
  keepGps?: boolean
  jpegQuality?: number
}

/** Commands: channel → request and response. `void` requests take no argument. */
export interface Commands {
  /** Native multi-select file dialog; `[]` when cancelled. Grants the chosen paths. */
  'dialog:openFiles': { request: void; response: string[] }
  /** Native folder dialog; null when cancelled. Grants the folder (and files under it). */
  'dialog:openFolder': { request: void; response: string | null }
  /** Native folder dialog for the export folder; null when cancelled. Grants it for writing. */
  'dialog:chooseOutputFolder': { request: void; response: string | null }
  /** Grants paths from a real drag-and-drop; reached only through `Api.grantDroppedFiles`. */
  'paths:grant': { request: { paths: string[] }; response: string[] }
  /** Image files in a granted folder, sorted by name. */
  'folder:list': { request: { folder: string; recursive?: boolean }; response: FolderEntry[] }
  /** JPEG thumbnail with the long side at most `maxSide` (16..1024). */
  'image:thumbnail': { request: { path: string; maxSide: number }; response: Thumbnail }
  'image:open': { request: { path: string }; response: OpenedImage }
  /** Runs the model; progress arrives as `job:progress` with this jobId. */
  'image:convert': {
    /**
     * `from`: a Radiance file a batch wrote for this photo in `mode`; when it is one (same size), it
     * is shown as the result without running the model again. `lowLight`: low light's controls
     * (defaults when absent); changing them re-runs only low light's processing.
     */
    request: { jobId: string; path: string; mode: Mode; from?: string; lowLight?: LowLightControls }
    response: ConvertedImage
  }
  /** Full-resolution pixels of an opened photo (and of its result in `mode`, which must have been converted). */
  'image:region': { request: RegionRect & { path: string; mode: Mode | null }; response: ImageRegion }
  /** Writes outputs for a converted image; returns the written absolute paths. */
  'export:write': { request: ExportRequest; response: { outputs: string[] } }
  /** Converts files/folders; per-file failures are in the result, not an error. */
  'batch:start': { request: BatchRequest; response: BatchResult }
  'job:cancel': { request: { jobId: string }; response: null }
  'settings:get': { request: void; response: Settings }
  /** Merges a partial update (one level deep for `export` and `preview`); returns the stored settings. */
  'settings:set': { request: SettingsPatch; response: Settings }
  'engine:info': { request: void; response: EngineInfo }
  'shell:showInFolder': { request: { path: string }; response: null }
  /** Files handed to the app before the renderer was listening (argv, macOS open-file); drained once. */
  'app:pendingFiles': { request: void; response: string[] }
  /**
   * Writes the result for a photo editor's round trip: a TIFF handed to the app by the editor is
   * replaced (same bit depth, its own colour space), any other photo gets `<name>-unclip.tif` beside
   * it. With `confirmReplace` a TIFF the editor did not hand over is replaced too, after the user
   * agrees in a native dialog. `returnHdr` writes 32-bit float linear light instead of tone-mapped.
   */
  'plugin:saveAndReturn': {
    request: { path: string; tonemap: ToneMapSettings; mode: Mode; confirmReplace: boolean; returnHdr?: boolean }
    response: { output: string }
  }
  /** What Save and Return will write for each photo (for the round trip's banner). */
  'plugin:roundTrip': { request: { paths: string[] }; response: RoundTripFile[] }
  /** Ends the app: the editor that launched it for a round trip carries on when it exits. */
  'app:quit': { request: void; response: null }
}

/** One photo of an editor's round trip. */
export interface RoundTripFile {
  path: string
  /** The file Save and Return writes: `path` itself, or `<name>-unclip.tif` beside it. */
  output: string
  /** True when `output` is `path`: the editor handed over this TIFF to have it replaced. */
  replaces: boolean
}

export type SettingsPatch = Partial<Omit<Settings, 'export' | 'preview'>> & {
  export?: Partial<Settings['export']>
  preview?: Partial<ToneMapSettings>
}

export type CommandName = keyof Commands
export type RequestOf<C extends CommandName> = Commands[C]['request']
export type ResponseOf<C extends CommandName> = Commands[C]['response']

/** Events: channel → payload, main → renderer. */
export interface Events {
  'job:progress': { jobId: string; event: ProgressEvent }
  /** Files opened with the app (second instance, macOS open-file) while it runs. Already granted. */
  'app:openFiles': { paths: string[] }
  'menu:command': { command: MenuCommand }
}

export type EventName = keyof Events

/** A File from a drop event or `<input type=file>`; the DOM `File` satisfies it. */
export interface DroppedFile {
  readonly name: string
  readonly size: number
}

/** Call to stop listening. */
export type Unsubscribe = () => void

/** `window.unclip`: what the preload exposes. Named methods only, never raw IPC. */
export interface Api {
  openFiles(): Promise<Result<string[]>>
  openFolder(): Promise<Result<string | null>>
  chooseOutputFolder(): Promise<Result<string | null>>
  /**
   * Grants the dropped files/folders and returns their absolute paths (files without a real
   * on-disk path, e.g. built in script, are left out).
   */
  grantDroppedFiles(files: readonly DroppedFile[]): Promise<Result<string[]>>
  listFolder(folder: string, options?: { recursive?: boolean }): Promise<Result<FolderEntry[]>>
  thumbnail(path: string, maxSide: number): Promise<Result<Thumbnail>>
  openImage(path: string): Promise<Result<OpenedImage>>
  convertImage(request: RequestOf<'image:convert'>): Promise<Result<ConvertedImage>>
  readRegion(request: RequestOf<'image:region'>): Promise<Result<ImageRegion>>
  exportImage(request: ExportRequest): Promise<Result<{ outputs: string[] }>>
  startBatch(request: BatchRequest): Promise<Result<BatchResult>>
  cancelJob(jobId: string): Promise<Result<null>>
  getSettings(): Promise<Result<Settings>>
  setSettings(patch: SettingsPatch): Promise<Result<Settings>>
  engineInfo(): Promise<Result<EngineInfo>>
  showInFolder(path: string): Promise<Result<null>>
  pendingFiles(): Promise<Result<string[]>>
  saveAndReturn(request: RequestOf<'plugin:saveAndReturn'>): Promise<Result<{ output: string }>>
  roundTrip(paths: string[]): Promise<Result<RoundTripFile[]>>
  quit(): Promise<Result<null>>
  onProgress(listener: (payload: Events['job:progress']) => void): Unsubscribe
  onOpenFiles(listener: (payload: Events['app:openFiles']) => void): Unsubscribe
  onMenuCommand(listener: (payload: Events['menu:command']) => void): Unsubscribe
}
