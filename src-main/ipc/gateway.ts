/**
 * The single IPC gateway: registers every handler on ipcMain and answers only the app's own window,
 * main frame, at the app's own URL. Anything else gets a `FORBIDDEN` Result and is logged.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron'
import type { CommandName, EventName, Events, Result } from '../../src-preload/contract'
import { isAppUrl } from '../security'
import type { Handlers } from './handlers'

export interface GatewayTarget {
  /** The app window's webContents, or undefined when it is closed. */
  contents(): WebContents | undefined
  /** The URL the window was loaded with. */
  appUrl(): string
}

/** True when the message comes from the app window's main frame showing the app. */
export function isTrustedSender(event: IpcMainInvokeEvent, target: GatewayTarget): boolean {
  const contents = target.contents()
  const frame = event.senderFrame
  return (
    contents !== undefined &&
    event.sender === contents &&
    frame !== null &&
    frame === contents.mainFrame &&
    isAppUrl(frame.url, target.appUrl())
  )
}

/**
 * Registers `handlers` on ipcMain.
 * @returns unregisters them
 */
export function registerGateway(handlers: Handlers, target: GatewayTarget): () => void {
  const names = Object.keys(handlers) as CommandName[]
  for (const name of names) {
    ipcMain.handle(name, async (event, request: unknown): Promise<Result<unknown>> => {
      if (!isTrustedSender(event, target)) {
        console.warn(`Unclip: refused ${name} from ${event.senderFrame?.url ?? 'an unknown frame'}`)
        return { ok: false, error: { code: 'FORBIDDEN', message: `${name} is only answered for the Unclip window.` } }
      }
      return handlers[name](request)
    })
  }
  return () => {
    for (const name of names) ipcMain.removeHandler(name)
  }
}

/** Sends an event to the app window, if it is open. */
export function emitTo(target: GatewayTarget) {
  return <E extends EventName>(event: E, payload: Events[E]): void => {
    const contents = target.contents()
    if (contents && !contents.isDestroyed()) contents.send(event, payload)
  }
}
