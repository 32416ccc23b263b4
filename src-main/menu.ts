/**
 * The native menu. App-specific items send `menu:command` to the renderer, which owns the action;
 * editing, window and dev-tools items use Electron's roles. Packaged builds have no DevTools item.
 */
import { Menu, type MenuItemConstructorOptions } from 'electron'
import type { MenuCommand } from '../src-preload/contract'

/**
 * The menu template (pure, so tests can check shortcuts without Electron running).
 * @param send - delivers a command to the window
 * @param platform - `process.platform`; macOS gets the app menu
 * @param devTools - offer Toggle Developer Tools (development builds only: `!isPackaged`)
 * @param help - Help menu actions the main process performs itself
 */
export function menuTemplate(
  send: (command: MenuCommand) => void,
  platform: NodeJS.Platform,
  devTools = false,
  help?: HelpActions
): MenuItemConstructorOptions[] {
  const item = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    ...(accelerator ? { accelerator } : {}),
    click: () => send(command)
  })
  const isMac = platform === 'darwin'
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        item('Open File…', 'openFile', 'CmdOrCtrl+O'),
        item('Open Folder…', 'openFolder', 'Shift+CmdOrCtrl+O'),
        { type: 'separator' },
        item('Export…', 'export', 'CmdOrCtrl+E'),
        item('Save and Return', 'saveAndReturn', 'CmdOrCtrl+Shift+S'),
        { type: 'separator' },
        item('Cancel', 'cancel', 'CmdOrCtrl+.'),
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' }
      ]
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        item('Zoom In', 'zoomIn', 'CmdOrCtrl+Plus'),
        item('Zoom Out', 'zoomOut', 'CmdOrCtrl+-'),
        item('Zoom to Fit', 'zoomFit', 'CmdOrCtrl+0'),
        item('Actual Size', 'zoomActual', 'CmdOrCtrl+1'),
        { type: 'separator' },
        item('Toggle Before/After', 'toggleBeforeAfter', 'CmdOrCtrl+B'),
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(devTools ? [{ role: 'toggleDevTools' } as const] : [])
      ]
    },
    { role: 'windowMenu' },
    ...(help
      ? [
          {
            role: 'help' as const,
            submenu: [{ label: 'Show Lightroom Classic Plug-in', click: () => help.revealLightroomPlugin() }]
          }
        ]
      : [])
  ]
  return isMac ? [{ role: 'appMenu' }, ...template] : template
}

/** What the Help menu does in the main process. */
export interface HelpActions {
  /** Shows the plug-in folder in the file manager, for Lightroom's Plug-in Manager › Add. */
  revealLightroomPlugin(): void
}

/** Installs the application menu; `devTools` only in development builds. */
export function installMenu(send: (command: MenuCommand) => void, devTools: boolean, help: HelpActions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(send, process.platform, devTools, help)))
}
