/**
 * The one application window: its locked-down web preferences, restored bounds, and loading.
 */
import { BrowserWindow, screen, type BrowserWindowConstructorOptions, type Rectangle } from 'electron'
import type { WindowBounds } from '../src-preload/contract'

const DEFAULT_SIZE = { width: 1280, height: 820 }

/**
 * Options for the main window. Security settings are explicit even where they are Electron's
 * defaults, so a test can assert them and a default change cannot loosen them.
 * @param preload - absolute path of the CommonJS preload
 * @param bounds - restored bounds, or null for the default size
 * @param devTools - allow DevTools; false in packaged builds (`!isPackaged`), so a shipped app
 *   offers no console to run code in the page
 */
export function mainWindowOptions(
  preload: string,
  bounds: WindowBounds | null,
  icon?: string,
  devTools = false
): BrowserWindowConstructorOptions {
  return {
    ...(bounds ? { x: bounds.x, y: bounds.y, width: bounds.width, height: bounds.height } : DEFAULT_SIZE),
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Unclip',
    backgroundColor: '#1b1b1d',
    ...(icon ? { icon } : {}),
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      // Middle-click would open links in a new window; the app has no use for it.
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
      devTools
    }
  }
}

/** Keeps restored bounds only if they are still mostly on a connected display. */
export function visibleBounds(bounds: WindowBounds | null, displays: Rectangle[]): WindowBounds | null {
  if (!bounds) return null
  const onScreen = displays.some((area) => {
    const overlapX = Math.min(bounds.x + bounds.width, area.x + area.width) - Math.max(bounds.x, area.x)
    const overlapY = Math.min(bounds.y + bounds.height, area.y + area.height) - Math.max(bounds.y, area.y)
    return overlapX >= 100 && overlapY >= 100
  })
  return onScreen ? bounds : null
}

/**
 * Creates the window (hidden until its first paint) and reports its bounds when it closes.
 * @param onClose - receives the bounds to persist
 */
export function createMainWindow(
  preload: string,
  bounds: WindowBounds | null,
  icon: string | undefined,
  devTools: boolean,
  onClose: (bounds: WindowBounds) => void
): BrowserWindow {
  const restored = visibleBounds(
    bounds,
    screen.getAllDisplays().map((display) => display.workArea)
  )
  const options = mainWindowOptions(preload, restored, icon, devTools)
  const window = new BrowserWindow({
    ...options,
    // Repeated as literals (equal to mainWindowOptions's) so static checkers such as
    // Electronegativity can verify them at the call site.
    webPreferences: {
      ...options.webPreferences,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      disableBlinkFeatures: 'Auxclick'
    }
  })
  if (restored?.maximized) window.maximize()
  window.once('ready-to-show', () => window.show())
  window.on('close', () => {
    const { x, y, width, height } = window.getNormalBounds()
    onClose({ x, y, width, height, maximized: window.isMaximized() })
  })
  return window
}
