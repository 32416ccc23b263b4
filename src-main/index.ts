/**
 * Electron main process: single instance, one hardened window, menu, IPC gateway, engine in a
 * utility process, files opened with the app.
 */
import { app, BrowserWindow, dialog, session, shell, utilityProcess } from 'electron'
import { statSync } from 'node:fs'
import { basename } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { MenuCommand } from '../src-preload/contract'
import { cliArguments, runInstalledCli } from './cli-mode'
import { filesFromArgv } from './open-with-args'
import { createUtilityEngineHost } from './engine-host/utility'
import { emitTo, registerGateway, type GatewayTarget } from './ipc/gateway'
import { createHandlers, type Dialogs } from './ipc/handlers'
import { HandedFiles } from './ipc/handed-files'
import { createPathGuard } from './ipc/path-guard'
import { regrantSavedFolders } from './ipc/saved-folders'
import { installMenu } from './menu'
import { appPaths } from './paths'
import { INPUT_EXTENSIONS } from './engine/domain/input-extensions'
import { CONTENT_SECURITY_POLICY, devContentSecurityPolicy, hardenSession, hardenWebContents } from './security'
import { openSettingsStore } from './settings'
import { createMainWindow } from './window'

const IMAGE_FILTER = { name: 'Images', extensions: [...INPUT_EXTENSIONS] }

const cliArgs = cliArguments(process.argv)
if (cliArgs) {
  // `Unclip --cli …` (the launcher in resources/bin): the command line, no window, no single-instance lock.
  app.dock?.hide() // no Dock icon for a command-line run on macOS
  const { modelsDir, stripWorker } = appPaths()
  void runInstalledCli(cliArgs, { modelsDir, stripWorker }).then(
    (code) => app.exit(code),
    (error: unknown) => {
      process.stderr.write(`unclip: ${String(error)}\n`)
      app.exit(1)
    }
  )
} else if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  void main()
}

async function main(): Promise<void> {
  const guard = createPathGuard()
  const handed = new HandedFiles()
  let window: BrowserWindow | undefined
  let appUrl = ''
  const pending: string[] = []
  const target: GatewayTarget = { contents: () => window?.webContents, appUrl: () => appUrl }
  const emit = emitTo(target)

  /**
   * Files opened with the app: granted, recorded as handed over by an editor (the round trip), then
   * delivered now or queued until the renderer asks.
   */
  const openWith = (paths: string[]): void => {
    if (paths.length === 0) return
    for (const path of paths) {
      try {
        guard.grant(path, statSync(path).isDirectory() ? 'tree' : 'file')
        handed.add(path)
      } catch {
        // A root or the home folder itself is not opened as a whole.
      }
    }
    if (window && !window.webContents.isLoading()) emit('app:openFiles', { paths })
    else pending.push(...paths)
    if (window?.isMinimized()) window.restore()
    window?.focus()
  }

  // macOS delivers "Open with" files through open-file, possibly before ready.
  app.on('open-file', (event, path) => {
    event.preventDefault()
    openWith([path])
  })
  app.on('second-instance', (_event, argv, cwd) => openWith(filesFromArgv(argv, cwd, app.isPackaged ? 1 : 2)))

  await app.whenReady()
  const paths = appPaths()
  const launchFiles = filesFromArgv(process.argv, process.cwd(), paths.isPackaged ? 1 : 2)
  // Started by an editor for a round trip: closing the window ends the app on macOS too, so the editor carries on.
  const startedForRoundTrip = launchFiles.length > 0
  openWith(launchFiles)

  const settings = await openSettingsStore(paths.settingsFile)
  const stored = settings.get()
  // Folders the user chose in earlier sessions, while they still exist.
  await regrantSavedFolders(guard, stored)

  const host = createUtilityEngineHost(
    paths.engineWorker,
    {
      modelsDir: paths.modelsDir,
      model: paths.model,
      provider: stored.provider === 'auto' ? undefined : stored.provider,
      stripWorker: paths.stripWorker
    },
    (workerPath, args) => utilityProcess.fork(workerPath, args, { serviceName: 'Unclip engine', stdio: 'inherit' })
  )

  const dialogs: Dialogs = {
    async openFiles() {
      const options = { properties: ['openFile', 'multiSelections'] as const, filters: [IMAGE_FILTER] }
      const picked = window
        ? await dialog.showOpenDialog(window, { ...options, properties: [...options.properties] })
        : undefined
      return picked && !picked.canceled ? picked.filePaths : []
    },
    async openFolder() {
      const picked = window ? await dialog.showOpenDialog(window, { properties: ['openDirectory'] }) : undefined
      return picked && !picked.canceled ? (picked.filePaths[0] ?? null) : null
    },
    async confirmReplace(file) {
      if (!window) return false
      const answer = await dialog.showMessageBox(window, {
        type: 'warning',
        buttons: ['Cancel', 'Replace'],
        defaultId: 0,
        cancelId: 0,
        message: `Replace ${basename(file)}?`,
        detail: `${file} already exists. Replacing it cannot be undone.`
      })
      return answer.response === 1
    },
    async chooseOutputFolder() {
      const picked = window
        ? await dialog.showOpenDialog(window, { title: 'Export to', properties: ['openDirectory', 'createDirectory'] })
        : undefined
      return picked && !picked.canceled ? (picked.filePaths[0] ?? null) : null
    }
  }

  const handlers = createHandlers({
    host,
    dialogs,
    settings,
    shell: { showItemInFolder: (path) => shell.showItemInFolder(path) },
    pathGuard: guard,
    emit,
    pendingFiles: { drain: () => pending.splice(0) },
    // Quitting closes the window; darktable-style editors wait for the process to exit.
    roundTrip: { files: handed, quit: () => app.quit() }
  })
  registerGateway(handlers, target)

  const policy = paths.renderer.kind === 'url' ? devContentSecurityPolicy(paths.renderer.url) : CONTENT_SECURITY_POLICY
  hardenSession(session.defaultSession, policy)
  app.on('web-contents-created', (_event, contents) =>
    hardenWebContents(
      contents,
      () => appUrl,
      (url) => void shell.openExternal(url)
    )
  )
  // DevTools only in development: a packaged app has no menu item and no DevTools at all.
  installMenu((command: MenuCommand) => emit('menu:command', { command }), !paths.isPackaged, {
    revealLightroomPlugin: () => shell.showItemInFolder(paths.lightroomPlugin)
  })

  const open = (): void => {
    window = createMainWindow(
      paths.preload,
      settings.get().windowBounds,
      paths.isPackaged ? undefined : paths.icon,
      !paths.isPackaged,
      (bounds) => {
        void settings.set({ windowBounds: bounds })
      }
    )
    window.on('closed', () => {
      window = undefined
    })
    if (paths.renderer.kind === 'url') {
      appUrl = paths.renderer.url
      void window.loadURL(appUrl)
    } else {
      appUrl = pathToFileURL(paths.renderer.file).href
      void window.loadFile(paths.renderer.file)
    }
  }
  open()

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) open()
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin' || startedForRoundTrip) app.quit()
  })
  app.on('will-quit', () => void host.dispose())
}
