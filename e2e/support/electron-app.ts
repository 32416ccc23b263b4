import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { _electron as electron } from 'playwright-core'
import type { AppDriver } from './driver'

const ROOT = resolve(import.meta.dirname, '../..')

/**
 * The Electron binary, when `npm install` could download it (`node_modules/electron/path.txt`
 * names it); null where it could not, e.g. in CI without network.
 */
export function electronBinary(): string | null {
  const pathTxt = resolve(ROOT, 'node_modules/electron/path.txt')
  if (!existsSync(pathTxt)) return null
  const binary = resolve(ROOT, 'node_modules/electron/dist', readFileSync(pathTxt, 'utf8').trim())
  return existsSync(binary) ? binary : null
}

export interface ElectronAppOptions {
  executablePath: string
  modelsDir: string
  model: string
  userDataDir: string
}

/**
 * The built app (`out/`) in real Electron with its real preload, IPC gateway and engine worker.
 * Native dialogs and "show in folder" are replaced in the main process by scripted answers.
 */
export async function launchElectronApp(options: ElectronAppOptions): Promise<AppDriver> {
  const app = await electron.launch({
    executablePath: options.executablePath,
    args: [ROOT, `--user-data-dir=${options.userDataDir}`],
    env: {
      ...process.env,
      UNCLIP_MODELS_DIR: options.modelsDir,
      UNCLIP_MODEL: options.model,
      ELECTRON_DISABLE_SECURITY_WARNINGS: 'true'
    }
  })
  await app.evaluate(({ dialog, shell }) => {
    const g = globalThis as unknown as { __answers: Record<string, (string | string[])[]>; __shown: string[] }
    g.__answers = { openFiles: [], openFolder: [], chooseOutputFolder: [] }
    g.__shown = []
    dialog.showOpenDialog = (async (...args: unknown[]) => {
      const opts = (args.length > 1 ? args[1] : args[0]) as { properties?: string[] }
      const props = opts.properties ?? []
      // The walk queues exactly one answer before each dialog, so the non-empty queue is the one.
      const kind = !props.includes('openDirectory')
        ? 'openFiles'
        : g.__answers.openFolder.length > 0
          ? 'openFolder'
          : 'chooseOutputFolder'
      const answer = g.__answers[kind].shift()
      if (answer === undefined) return { canceled: true, filePaths: [] }
      return { canceled: false, filePaths: Array.isArray(answer) ? answer : [answer] }
    }) as typeof dialog.showOpenDialog
    shell.showItemInFolder = (path: string) => void g.__shown.push(path)
  })
  const page = await app.firstWindow()
  await page.waitForLoadState('domcontentloaded')
  await page.setViewportSize({ width: 1280, height: 800 })

  return {
    page,
    async answerDialog(kind, answer) {
      await app.evaluate(
        (_electron, [k, a]) => {
          ;(globalThis as unknown as { __answers: Record<string, unknown[]> }).__answers[k as string].push(a)
        },
        [kind, answer] as const
      )
    },
    async shownInFolder() {
      return app.evaluate(() => [...(globalThis as unknown as { __shown: string[] }).__shown])
    },
    close: () => app.close()
  }
}
