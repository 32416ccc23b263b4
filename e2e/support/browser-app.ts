import { chromium, type Browser } from 'playwright-core'
import { createInProcessEngineHost } from '../../src-main/engine-host/in-process'
import type { EngineHost } from '../../src-main/engine-host/types'
import { createHandlers, type Dialogs } from '../../src-main/ipc/handlers'
import { HandedFiles } from '../../src-main/ipc/handed-files'
import { createPathGuard } from '../../src-main/ipc/path-guard'
import { openSettingsStore } from '../../src-main/settings'
import type { CommandName, Events } from '../../src-preload/contract'
import type { AppDriver } from './driver'
import { serveStatic } from './static-server'
import { decodeWire, encodeWire } from './wire'

/** SwiftShader gives headless Chromium WebGL2 with float textures on machines without a GPU. */
export const CHROMIUM_ARGS = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist']

/** What only the Chromium bridge can do. */
export interface BrowserExtras {
  host: EngineHost
  browser: Browser
  /** Console errors and warnings, and uncaught page errors, so far. */
  consoleErrors(): string[]
  /** Sends a main → renderer event as the shell would (menu commands, files opened with the app). */
  emit<E extends keyof Events>(event: E, payload: Events[E]): Promise<void>
  /** How many times the renderer asked the app to quit (the end of an editor's round trip). */
  quitRequests(): number
}

export interface BrowserAppOptions {
  /** The built renderer (index.html and assets). */
  rendererDir: string
  /** The bundled page bridge (see `bundlePageBridge`). */
  bridgeScript: string
  modelsDir: string
  model: string
  settingsPath: string
  chromiumPath?: string
  /** Files the app is launched with, as a photo editor hands them over (argv / "Open with"). */
  launchFiles?: string[]
}

/**
 * The built renderer in headless Chromium, with `window.unclip` wired to the shell's real IPC
 * handlers over the real in-process engine. Only the native dialogs are scripted.
 */
export async function launchBrowserApp(options: BrowserAppOptions): Promise<AppDriver & BrowserExtras> {
  const answers: Record<Exclude<keyof Dialogs, 'confirmReplace'>, (string | string[])[]> = {
    openFiles: [],
    openFolder: [],
    chooseOutputFolder: []
  }
  const shown: string[] = []
  const next = <T>(kind: keyof typeof answers, none: T): T => (answers[kind].shift() as T | undefined) ?? none

  const host = createInProcessEngineHost({ modelsDir: options.modelsDir, model: options.model })
  const server = await serveStatic(options.rendererDir)
  const browser = await chromium.launch({
    executablePath: options.chromiumPath ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS
  })
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 })

  // Events go out in order, and a command's answer waits for the events it caused, as with IPC.
  let events: Promise<unknown> = Promise.resolve()
  const emit = <E extends keyof Events>(event: E, payload: Events[E]): void => {
    const wire = encodeWire(payload)
    events = events
      .then(() =>
        page.evaluate(
          ([c, p]) => (globalThis as unknown as { __unclipEmit(c: string, p: unknown): void }).__unclipEmit(c, p),
          [event, wire] as const
        )
      )
      .catch(() => undefined)
  }

  // As the shell does for files opened with the app: granted, recorded as handed over, queued.
  const guard = createPathGuard()
  const handed = new HandedFiles()
  const pending = [...(options.launchFiles ?? [])]
  for (const file of pending) {
    guard.grant(file, 'file')
    handed.add(file)
  }
  let quits = 0

  const handlers = createHandlers({
    host,
    dialogs: {
      openFiles: async () => next<string[]>('openFiles', []),
      openFolder: async () => next<string | null>('openFolder', null),
      chooseOutputFolder: async () => next<string | null>('chooseOutputFolder', null),
      // The walk never replaces a file; a scripted "no" keeps it that way.
      confirmReplace: async () => false
    },
    settings: await openSettingsStore(options.settingsPath),
    shell: { showItemInFolder: (path) => shown.push(path) },
    pathGuard: guard,
    emit,
    pendingFiles: { drain: () => pending.splice(0) },
    roundTrip: { files: handed, quit: () => quits++ }
  })

  await page.exposeBinding('__unclipInvoke', async (_source, channel: string, payload: unknown) => {
    const handler = handlers[channel as CommandName]
    if (!handler) return { ok: false, error: { code: 'FORBIDDEN', message: `Unknown channel ${channel}` } }
    const result = await handler(decodeWire(payload))
    await events
    return encodeWire(result)
  })
  await page.addInitScript({ content: options.bridgeScript })
  // CSP violations, shader failures and uncaught renderer errors all surface here.
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') errors.push(`${message.type()}: ${message.text()}`)
  })
  await page.goto(server.url)

  return {
    page,
    host,
    browser,
    async answerDialog(kind, answer) {
      answers[kind].push(answer)
    },
    async shownInFolder() {
      return [...shown]
    },
    consoleErrors: () => [...errors],
    quitRequests: () => quits,
    async emit(event, payload) {
      emit(event, payload)
      await events
    },
    async close() {
      await browser.close()
      await server.close()
      await host.dispose()
    }
  }
}
