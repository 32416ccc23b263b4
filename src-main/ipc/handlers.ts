/**
 * One handler per command: validate the argument, check paths against the guard, call the engine
 * host, answer a Result. Electron-free — the app wires it to ipcMain through the gateway, the e2e
 * calls it directly.
 */
import { realpath, stat } from 'node:fs/promises'
import {
  MAX_RECENT_FOLDERS,
  MAX_REGION_SIDE,
  type CommandName,
  type Events,
  type ResponseOf,
  type Result,
  type Settings,
  type SettingsPatch
} from '../../src-preload/contract'
import type { EngineHost } from '../engine-host/types'
import { mergeSettings, type SettingsStore } from '../settings'
import { ShellError, toAppError } from './app-error'
import { listImages, thumbnail } from './files'
import { canReplaceOriginal, saveAndReturnPath } from '../engine-host/export-writer'
import type { HandedFiles } from './handed-files'
import { isTooBroad, type PathGuard } from './path-guard'
import {
  absolutePath,
  arrayOf,
  boolean,
  integerBetween,
  jobId,
  jpegQuality,
  lowLightControls,
  mode,
  nothing,
  nullable,
  object,
  optional,
  outputFormats,
  toneMap
} from './validate'

/** Native dialogs; each returns what the user picked (nothing when cancelled). */
export interface Dialogs {
  openFiles(): Promise<string[]>
  openFolder(): Promise<string | null>
  chooseOutputFolder(): Promise<string | null>
  /** Asks the user, in a native dialog, whether to replace `file`; true only for an explicit yes. */
  confirmReplace(file: string): Promise<boolean>
}

export interface HandlerDeps {
  host: EngineHost
  dialogs: Dialogs
  settings: SettingsStore
  shell: { showItemInFolder(path: string): void }
  pathGuard: PathGuard
  emit: <E extends keyof Events>(event: E, payload: Events[E]) => void
  /** Files from argv / open-file not yet handed to the renderer; drained by `app:pendingFiles`. */
  pendingFiles: { drain(): string[] }
  /** The photo editor's round trip: the files it handed over (by identity), and ending the app. */
  roundTrip: { files: HandedFiles; quit(): void }
}

export type Handlers = { [C in CommandName]: (request: unknown) => Promise<Result<ResponseOf<C>>> }

const MAX_PATHS = 10_000

/**
 * Builds every command's handler.
 * @example const handlers = createHandlers(deps); await handlers['image:open']({ path: '/photos/a.jpg' })
 */
export function createHandlers(deps: HandlerDeps): Handlers {
  const { host, dialogs, settings, pathGuard: guard, emit } = deps
  const paths = arrayOf(absolutePath, { max: MAX_PATHS })

  /** Grants a picked folder and remembers it as the last and most recent folder. */
  const rememberFolder = async (folder: string): Promise<void> => {
    const recent = [folder, ...settings.get().recentFolders.filter((f) => f !== folder)].slice(0, MAX_RECENT_FOLDERS)
    await settings.set({ lastFolder: folder, recentFolders: recent })
  }

  /** Paths in a settings patch must be ones the user already chose. */
  const checkSettingsPaths = (patch: SettingsPatch): void => {
    if (patch.lastFolder) guard.check(patch.lastFolder, 'settings.lastFolder')
    patch.recentFolders?.forEach((folder, i) => guard.check(folder, `settings.recentFolders[${i}]`))
    if (patch.export?.outDir) guard.check(patch.export.outDir, 'settings.export.outDir')
  }

  const impl: { [C in CommandName]: (request: unknown) => Promise<ResponseOf<C>> } = {
    async 'dialog:openFiles'(request) {
      nothing(request, 'request')
      const picked = await dialogs.openFiles()
      for (const path of picked) guard.grant(path, 'file')
      return picked
    },
    async 'dialog:openFolder'(request) {
      nothing(request, 'request')
      const folder = await dialogs.openFolder()
      if (folder) {
        guard.grant(folder, 'tree')
        await rememberFolder(folder)
      }
      return folder
    },
    async 'dialog:chooseOutputFolder'(request) {
      nothing(request, 'request')
      const folder = await dialogs.chooseOutputFolder()
      if (folder) guard.grant(folder, 'tree')
      return folder
    },
    async 'paths:grant'(request) {
      // The preload sends only paths of files the user really dropped (see src-preload/index.ts);
      // roots, the home folder itself and paths that do not exist are still refused here.
      const dropped = paths(object(request, 'request').paths, 'paths')
      const granted: string[] = []
      for (const path of dropped) {
        const stats = await stat(path).catch(() => undefined)
        // A dropped link to / or to the home folder is as broad as the folder itself.
        const target = await realpath(path).catch(() => path)
        if (!stats || (!stats.isFile() && !stats.isDirectory()) || isTooBroad(path) || isTooBroad(target)) continue
        guard.grant(path, stats.isDirectory() ? 'tree' : 'file')
        granted.push(path)
      }
      return granted
    },
    async 'folder:list'(request) {
      const r = object(request, 'request')
      const folder = guard.check(absolutePath(r.folder, 'folder'), 'folder')
      return listImages(folder, optional(boolean)(r.recursive, 'recursive') ?? false)
    },
    async 'image:thumbnail'(request) {
      const r = object(request, 'request')
      const path = guard.check(absolutePath(r.path, 'path'), 'path')
      return thumbnail(path, integerBetween(16, 1024)(r.maxSide, 'maxSide'))
    },
    async 'image:open'(request) {
      const path = guard.check(absolutePath(object(request, 'request').path, 'path'), 'path')
      return host.openImage(path)
    },
    async 'image:convert'(request) {
      const r = object(request, 'request')
      const id = jobId(r.jobId, 'jobId')
      const path = guard.check(absolutePath(r.path, 'path'), 'path')
      const from = optional(absolutePath)(r.from, 'from')
      if (from) guard.check(from, 'from')
      const lowLight = optional(lowLightControls)(r.lowLight, 'lowLight')
      return host.convertImage(id, { path, mode: mode(r.mode, 'mode'), from, lowLight }, (event) =>
        emit('job:progress', { jobId: id, event })
      )
    },
    async 'image:region'(request) {
      const r = object(request, 'request')
      const path = guard.check(absolutePath(r.path, 'path'), 'path')
      const side = integerBetween(1, MAX_REGION_SIDE)
      return host.readRegion({
        path,
        mode: nullable(mode)(r.mode, 'mode'),
        x: integerBetween(0, Number.MAX_SAFE_INTEGER)(r.x, 'x'),
        y: integerBetween(0, Number.MAX_SAFE_INTEGER)(r.y, 'y'),
        width: side(r.width, 'width'),
        height: side(r.height, 'height')
      })
    },
    async 'export:write'(request) {
      const r = object(request, 'request')
      const path = guard.check(absolutePath(r.path, 'path'), 'path')
      const outDir = optional(absolutePath)(r.outDir, 'outDir')
      if (outDir) guard.check(outDir, 'outDir')
      const written = await host.exportImage({
        path,
        formats: outputFormats(r.formats, 'formats'),
        tonemap: toneMap(r.tonemap, 'tonemap'),
        mode: mode(r.mode, 'mode'),
        outDir,
        overwrite: boolean(r.overwrite, 'overwrite'),
        keepBoth: optional(boolean)(r.keepBoth, 'keepBoth') ?? false,
        keepGps: optional(boolean)(r.keepGps, 'keepGps') ?? false,
        jpegQuality: optional(jpegQuality)(r.jpegQuality, 'jpegQuality')
      })
      for (const output of written.outputs) guard.grant(output, 'file')
      return written
    },
    async 'batch:start'(request) {
      const r = object(request, 'request')
      const id = jobId(r.jobId, 'jobId')
      const inputs = arrayOf(absolutePath, { min: 1, max: MAX_PATHS })(r.inputs, 'inputs').map((input, i) =>
        guard.check(input, `inputs[${i}]`)
      )
      const outDir = optional(absolutePath)(r.outDir, 'outDir')
      if (outDir) guard.check(outDir, 'outDir')
      const result = await host.startBatch(
        id,
        {
          inputs,
          formats: outputFormats(r.formats, 'formats'),
          outDir,
          recursive: boolean(r.recursive, 'recursive'),
          overwrite: boolean(r.overwrite, 'overwrite'),
          mode: mode(r.mode, 'mode'),
          tonemap: toneMap(r.tonemap, 'tonemap'),
          autoWhitePoint: optional(boolean)(r.autoWhitePoint, 'autoWhitePoint') ?? false,
          keepGps: optional(boolean)(r.keepGps, 'keepGps') ?? false,
          jpegQuality: optional(jpegQuality)(r.jpegQuality, 'jpegQuality')
        },
        (event) => emit('job:progress', { jobId: id, event })
      )
      for (const converted of result.converted) for (const output of converted.outputs) guard.grant(output, 'file')
      return result
    },
    async 'job:cancel'(request) {
      const id = jobId(object(request, 'request').jobId, 'jobId')
      if (!host.cancel(id)) throw new ShellError('JOB_NOT_FOUND', `No running job has id "${id}".`)
      return null
    },
    async 'settings:get'(request) {
      nothing(request, 'request')
      return settings.get()
    },
    async 'settings:set'(request) {
      const patch = object(request, 'settings') as SettingsPatch
      const before: Settings = settings.get()
      // Shapes first (precise messages), then paths, and only then persist.
      mergeSettings(before, patch)
      checkSettingsPaths(patch)
      const next = await settings.set(patch)
      if (next.provider !== before.provider)
        host.configure({ provider: next.provider === 'auto' ? undefined : next.provider })
      return next
    },
    async 'engine:info'(request) {
      nothing(request, 'request')
      return host.info()
    },
    async 'shell:showInFolder'(request) {
      const path = guard.check(absolutePath(object(request, 'request').path, 'path'), 'path')
      deps.shell.showItemInFolder(path)
      return null
    },
    async 'app:pendingFiles'(request) {
      nothing(request, 'request')
      return deps.pendingFiles.drain()
    },
    async 'plugin:saveAndReturn'(request) {
      const r = object(request, 'request')
      const path = guard.check(absolutePath(r.path, 'path'), 'path')
      const save = {
        path,
        tonemap: toneMap(r.tonemap, 'tonemap'),
        mode: mode(r.mode, 'mode'),
        confirmReplace: boolean(r.confirmReplace, 'confirmReplace'),
        returnHdr: optional(boolean)(r.returnHdr, 'returnHdr') ?? false
      }
      // The renderer may ask to replace a file. A TIFF the editor handed over is there to be replaced
      // (the banner names it); any other only if the user agrees in a native dialog.
      const ask = async (file: string): Promise<void> => {
        if (!(await dialogs.confirmReplace(file)))
          throw new ShellError('CANCELLED', `Kept ${file}; nothing was written.`)
      }
      const handed = canReplaceOriginal(path) && (await deps.roundTrip.files.has(path))
      // (A non-TIFF original is refused by the host without asking.)
      if (save.confirmReplace && canReplaceOriginal(path) && !handed) await ask(path)
      let saved
      try {
        saved = await host.saveAndReturn({ ...save, replaceConfirmed: save.confirmReplace })
      } catch (error) {
        // An -unclip.tif this app did not write is somebody's file: replaced only if the user says so.
        if (save.confirmReplace || toAppError(error).code !== 'OUTPUT_EXISTS') throw error
        await ask(saveAndReturnPath(path))
        saved = await host.saveAndReturn({ ...save, replaceConfirmed: true })
      }
      guard.grant(saved.output, 'file')
      // The file now there is the result, a new file: still the one the editor waits for.
      if (handed && saved.output === path) deps.roundTrip.files.add(path)
      return saved
    },
    async 'plugin:roundTrip'(request) {
      const list = paths(object(request, 'request').paths, 'paths').map((path, i) => guard.check(path, `paths[${i}]`))
      const files = []
      for (const path of list) {
        // Folders opened with the app are browsed, not handed back.
        const isFile = await stat(path).then(
          (stats) => stats.isFile(),
          () => false
        )
        if (!isFile) continue
        const replaces = canReplaceOriginal(path) && (await deps.roundTrip.files.has(path))
        files.push({ path, output: replaces ? path : saveAndReturnPath(path), replaces })
      }
      return files
    },
    async 'app:quit'(request) {
      nothing(request, 'request')
      deps.roundTrip.quit()
      return null
    }
  }

  const handlers = {} as Record<CommandName, (request: unknown) => Promise<Result<unknown>>>
  for (const name of Object.keys(impl) as CommandName[]) {
    const run = impl[name] as (request: unknown) => Promise<unknown>
    handlers[name] = async (request) => {
      try {
        return { ok: true, value: await run(request) }
      } catch (error) {
        return { ok: false, error: toAppError(error) }
      }
    }
  }
  return handlers as Handlers
}
