/**
 * The engine as the shell sees it: one interface, implemented in-process (tests, e2e, the worker
 * itself) and across a utility process (the app, so inference never blocks the main process).
 */
import type {
  BatchRequest,
  ConvertedImage,
  ExportRequest,
  ImageRegion,
  OpenedImage,
  RequestOf,
  ResponseOf
} from '../../src-preload/contract'
import type { BatchResult, EngineInfo, ProgressEvent, ProviderName } from '../engine/types'

export interface EngineHostOptions {
  /** Folder with model cards. */
  modelsDir: string
  /** Model name; the newest product model when omitted. */
  model?: string
  /** Force a provider; the platform's preference order when omitted. */
  provider?: ProviderName
  /** The bundled strip worker's entry (`out/main/strip-worker.js`); the engine's default when omitted. */
  stripWorker?: string
}

export type ProgressListener = (event: ProgressEvent) => void

/**
 * The renderer's request plus what only the main process may add: `replaceConfirmed` when the user
 * agreed, in a native dialog, to replace an existing file (the original, or an -unclip.tif).
 */
export type SaveAndReturnRequest = RequestOf<'plugin:saveAndReturn'> & { replaceConfirmed?: boolean }

/**
 * Everything the IPC handlers ask of the engine. Methods throw coded errors (`UnclipError`,
 * `ShellError`, or `{ code, message }` from the worker); handlers turn them into Results.
 */
export interface EngineHost {
  /** Loads the engine if needed and describes model and provider. */
  info(): Promise<EngineInfo>
  /** Decodes `path` and returns its display preview; the image becomes the current one. */
  openImage(path: string): Promise<OpenedImage>
  /** Runs the model on an opened image, keeping its HDR for export. */
  convertImage(
    jobId: string,
    request: Omit<RequestOf<'image:convert'>, 'jobId'>,
    onProgress: ProgressListener
  ): Promise<ConvertedImage>
  /** Full-resolution pixels of an opened photo and of its kept result in `mode`. */
  readRegion(request: RequestOf<'image:region'>): Promise<ImageRegion>
  /** Writes outputs from the kept HDR (recomputing it if it was evicted). */
  exportImage(request: ExportRequest): Promise<ResponseOf<'export:write'>>
  /** Writes the 16-bit tone-mapped TIFF for editor round trips. */
  saveAndReturn(request: SaveAndReturnRequest): Promise<ResponseOf<'plugin:saveAndReturn'>>
  /** Converts files and folders; per-file failures are in the result. */
  startBatch(
    jobId: string,
    request: Omit<BatchRequest, 'jobId'> & { startAt?: number },
    onProgress: ProgressListener
  ): Promise<BatchResult>
  /** Aborts a running job; false when no job has that id. */
  cancel(jobId: string): boolean
  /** Changes the provider; the engine reloads on next use. */
  configure(options: { provider?: ProviderName }): void
  /** Cancels every job and releases the model. */
  dispose(): Promise<void>
}
