/**
 * The renderer API built on an abstract transport, so the same code runs in Electron's preload
 * (ipcRenderer) and in the e2e test (a Playwright bridge). Never imports electron.
 */
import type { Api, CommandName, DroppedFile, EventName, Events, RequestOf, ResponseOf, Result } from './contract'

export interface Transport {
  /** Sends a command and resolves with the handler's Result. */
  invoke(channel: string, payload: unknown): Promise<unknown>
  /** Listens to an event channel; returns the unsubscribe. */
  on(channel: string, listener: (payload: unknown) => void): () => void
}

export interface ApiOptions {
  /**
   * Absolute path of a File from a drop or file input; '' for files with no on-disk path.
   * Electron: `webUtils.getPathForFile`.
   */
  pathForFile(file: DroppedFile): string
  /**
   * True when `path` came from the user's latest real (trusted) drop on the window; the preload
   * records those itself, so a page script cannot get a grant for a path the user did not drop.
   * Absent (the e2e bridge): every path with a File is accepted.
   */
  droppedByUser?(path: string): boolean
}

/**
 * Builds `window.unclip` on `transport`.
 *
 * @param transport - carries commands and events.
 * @param options - how to resolve dropped files to paths.
 * @returns the API object the preload exposes.
 * @example
 * const api = createApi({ invoke: (c, p) => ipcRenderer.invoke(c, p), on: ... }, { pathForFile: webUtils.getPathForFile })
 */
export function createApi(transport: Transport, options: ApiOptions): Api {
  const call = <C extends CommandName>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>> =>
    transport.invoke(channel, request).then(
      (answer) => answer as Result<ResponseOf<C>>,
      (error: unknown) => ({
        ok: false as const,
        error: {
          code: 'INTERNAL' as const,
          message: `IPC failed on ${channel}: ${error instanceof Error ? error.message : String(error)}`
        }
      })
    )

  const subscribe =
    <E extends EventName>(channel: E) =>
    (listener: (payload: Events[E]) => void): (() => void) =>
      transport.on(channel, (payload) => listener(payload as Events[E]))

  const api: Api = {
    openFiles: () => call('dialog:openFiles', undefined),
    openFolder: () => call('dialog:openFolder', undefined),
    chooseOutputFolder: () => call('dialog:chooseOutputFolder', undefined),
    grantDroppedFiles: (files) => {
      // Paths come from the File objects only, never from the renderer's strings: a page script
      // cannot forge a File backed by an arbitrary on-disk path.
      const paths = Array.from(files, (file) => options.pathForFile(file)).filter(
        (path) => path !== '' && (options.droppedByUser?.(path) ?? true)
      )
      return call('paths:grant', { paths })
    },
    listFolder: (folder, opts) => call('folder:list', { folder, recursive: opts?.recursive }),
    thumbnail: (path, maxSide) => call('image:thumbnail', { path, maxSide }),
    openImage: (path) => call('image:open', { path }),
    convertImage: (request) => call('image:convert', request),
    readRegion: (request) => call('image:region', request),
    exportImage: (request) => call('export:write', request),
    startBatch: (request) => call('batch:start', request),
    cancelJob: (jobId) => call('job:cancel', { jobId }),
    getSettings: () => call('settings:get', undefined),
    setSettings: (patch) => call('settings:set', patch),
    engineInfo: () => call('engine:info', undefined),
    showInFolder: (path) => call('shell:showInFolder', { path }),
    pendingFiles: () => call('app:pendingFiles', undefined),
    saveAndReturn: (request) => call('plugin:saveAndReturn', request),
    roundTrip: (paths) => call('plugin:roundTrip', { paths }),
    quit: () => call('app:quit', undefined),
    onProgress: subscribe('job:progress'),
    onOpenFiles: subscribe('app:openFiles'),
    onMenuCommand: subscribe('menu:command')
  }
  return api
}
