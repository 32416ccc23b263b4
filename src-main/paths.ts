/**
 * Where things are, in development and when packaged. The only module that reads `app.isPackaged`
 * or `process.resourcesPath`.
 *
 * Layout (electron-vite output): out/main/index.js, out/main/engine-worker.js, out/main/strip-worker.js, out/preload/index.cjs,
 * out/renderer/index.html. Packaged, models live in `resources/models` (electron-builder
 * extraResources) instead of `<repo>/models`.
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { app } from 'electron'

const mainDir = fileURLToPath(new URL('.', import.meta.url))

export interface AppPaths {
  /** Folder with `<model>.onnx` + `<model>.json`; `UNCLIP_MODELS_DIR` overrides it (tests, custom models). */
  modelsDir: string
  /** Model to load by name (`UNCLIP_MODEL`); the engine's default choice when absent. */
  model?: string
  /** The sandboxed preload script (CommonJS). */
  preload: string
  /** The engine worker's entry, run with `utilityProcess.fork`. */
  engineWorker: string
  /** The strip worker's entry, run in worker threads of the engine worker. */
  stripWorker: string
  /** The renderer: a dev-server URL under `electron-vite dev`, else the built index.html file. */
  renderer: { kind: 'url'; url: string } | { kind: 'file'; file: string }
  /** Window icon (Linux; macOS and Windows take it from the bundle). */
  icon: string
  /** The settings JSON. */
  settingsFile: string
  /** The Lightroom Classic plug-in folder, for File › Plug-in Manager › Add. */
  lightroomPlugin: string
  isPackaged: boolean
}

/** Resolves every path the shell needs. Call after `app` is ready (userData needs it). */
export function appPaths(): AppPaths {
  const isPackaged = app.isPackaged
  const devServer = process.env['ELECTRON_RENDERER_URL']
  return {
    modelsDir:
      process.env['UNCLIP_MODELS_DIR'] ||
      (isPackaged ? join(process.resourcesPath, 'models') : join(app.getAppPath(), 'models')),
    model: process.env['UNCLIP_MODEL'] || undefined,
    preload: join(mainDir, '../preload/index.cjs'),
    engineWorker: join(mainDir, 'engine-worker.js'),
    // Worker threads start from a plain file: electron-builder unpacks it (and its chunks) beside the asar.
    stripWorker: join(
      isPackaged ? mainDir.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1') : mainDir,
      'strip-worker.js'
    ),
    renderer:
      !isPackaged && devServer
        ? { kind: 'url', url: devServer }
        : { kind: 'file', file: join(mainDir, '../renderer/index.html') },
    icon: isPackaged ? join(process.resourcesPath, 'icon.png') : join(app.getAppPath(), 'build/icon.png'),
    settingsFile: join(app.getPath('userData'), 'settings.json'),
    lightroomPlugin: isPackaged
      ? join(process.resourcesPath, 'Unclip.lrplugin')
      : join(app.getAppPath(), 'integrations/lightroom/Unclip.lrplugin'),
    isPackaged
  }
}
