/**
 * Runs in the page before the renderer: builds `window.unclip` with the preload's own
 * `createApi`, over Playwright bindings instead of Electron IPC.
 */
import { createApi } from '../../src-preload/api'
import type { DroppedFile } from '../../src-preload/contract'
import { decodeWire, encodeWire } from './wire'

interface BridgeWindow {
  /** Exposed by the test with `page.exposeBinding`. */
  __unclipInvoke(channel: string, payload: unknown): Promise<unknown>
  /** Called by the test to deliver a main → renderer event. */
  __unclipEmit?: (channel: string, payload: unknown) => void
  /** Every command channel sent, in order, so tests can see what a UI action sent. */
  __unclipInvoked?: string[]
  /** Test seam standing in for Electron's webUtils.getPathForFile: file name → on-disk path. */
  __unclipDropPaths?: Record<string, string>
  unclip: unknown
}

// globalThis rather than window: this file is also type-checked by the node tsconfig (no DOM lib).
const w = globalThis as unknown as BridgeWindow
const invoked: string[] = []
w.__unclipInvoked = invoked
const listeners = new Map<string, Set<(payload: unknown) => void>>()

w.__unclipEmit = (channel, payload) => {
  const decoded = decodeWire(payload)
  for (const listener of listeners.get(channel) ?? []) listener(decoded)
}

w.unclip = createApi(
  {
    invoke: async (channel, payload) => {
      invoked.push(channel)
      return decodeWire(await w.__unclipInvoke(channel, encodeWire(payload)))
    },
    on(channel, listener) {
      const set = listeners.get(channel) ?? new Set()
      listeners.set(channel, set)
      set.add(listener)
      return () => set.delete(listener)
    }
  },
  { pathForFile: (file: DroppedFile) => w.__unclipDropPaths?.[file.name] ?? '' }
)
