/**
 * Sandboxed preload: exposes `window.unclip` (named methods only) over ipcRenderer.
 * Built as CommonJS because sandboxed preloads cannot load ES modules.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import { createApi } from './api'

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
  { pathForFile: (file) => webUtils.getPathForFile(file as File) }
)

contextBridge.exposeInMainWorld('unclip', api)
