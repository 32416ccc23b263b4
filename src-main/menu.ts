/**
 * The native menu. App-specific items send `menu:command` to the renderer, which owns the action;
 * editing, window and dev-tools items use Electron's roles.
 */
import { Menu, type MenuItemConstructorOptions } from 'electron'
import type { MenuCommand } from '../src-preload/contract'

/**
 * The menu template (pure, so tests can check shortcuts without Electron running).
 * @param send - delivers a command to the window
 * @param platform - `process.platform`; macOS gets the app menu
 */
export function menuTemplate(
  send: (command: MenuCommand) => void,
  platform: NodeJS.Platform
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
        { role: 'toggleDevTools' }
      ]
    },
    { role: 'windowMenu' }
  ]
  return isMac ? [{ role: 'appMenu' }, ...template] : template
}

/** Installs the application menu. */
export function installMenu(send: (command: MenuCommand) => void): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(send, process.platform)))
}
