/**
 * Sandboxed preload: exposes `window.unclip` (named methods only) over ipcRenderer.
 * Built as CommonJS because sandboxed preloads cannot load ES modules.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import { createApi } from './api'

/** Paths of the files in the user's latest real drop (`isTrusted`: made by the user, not a script). */
let dropped = new Set<string>()
/** The part of the DOM the preload uses (this project type-checks it without the DOM library). */
interface DropEvent {
  isTrusted: boolean
  dataTransfer: { files: ArrayLike<File> } | null
}
const page = globalThis as unknown as {
  addEventListener(type: 'drop', listener: (event: DropEvent) => void, capture: boolean): void
}
page.addEventListener(
  'drop',
  (event) => {
    if (!event.isTrusted) return
    dropped = new Set(Array.from(event.dataTransfer?.files ?? [], (file) => webUtils.getPathForFile(file)))
  },
  true
)

const api = createApi(
  {
    invoke: (channel, payload) => ipcRenderer.invoke(channel, payload),
    on: (channel, listener) => {
      // Never hand the IpcRendererEvent (which carries `sender`) to the page.
      const wrapped = (_event: IpcRendererEvent, payload: unknown): void => listener(payload)
      ipcRenderer.on(channel, wrapped)
      return () => {
        ipcRenderer.removeListener(channel, wrapped)
      }
    }
  },
  {
    pathForFile: (file) => webUtils.getPathForFile(file as File),
    droppedByUser: (path) => dropped.has(path)
  }
)

contextBridge.exposeInMainWorld('unclip', api)
