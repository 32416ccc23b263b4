import { readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'

vi.mock('electron', () => ({}))

const { mainWindowOptions, visibleBounds } = await import('../../src-main/window')
const { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY, devContentSecurityPolicy, isAppUrl, isExternalLink } =
  await import('../../src-main/security')
const { menuTemplate } = await import('../../src-main/menu')

describe('main window options', () => {
  const options = mainWindowOptions('/app/out/preload/index.cjs', null)
  it('isolates and sandboxes the renderer', () => {
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick'
    })
  })
  it('restores bounds only when they are on a display', () => {
    const bounds = { x: 100, y: 100, width: 800, height: 600, maximized: false }
    expect(visibleBounds(bounds, [{ x: 0, y: 0, width: 1920, height: 1080 }])).toEqual(bounds)
    expect(visibleBounds({ ...bounds, x: 5000 }, [{ x: 0, y: 0, width: 1920, height: 1080 }])).toBeNull()
    expect(mainWindowOptions('/p', bounds)).toMatchObject({ x: 100, y: 100, width: 800, height: 600 })
  })
})

describe('content security policy', () => {
  const directives = (policy: string): Map<string, string> =>
    new Map(
      policy
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values.join(' ')])
    )

  it('allows no eval, inline code or remote origins', () => {
    const csp = directives(CONTENT_SECURITY_POLICY)
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|unsafe-inline|https?:|\*/)
    expect(csp.get('default-src')).toBe("'none'")
    expect(csp.get('script-src')).toBe("'self'")
    expect(csp.get('style-src')).toBe("'self'")
    expect(csp.get('object-src')).toBe("'none'")
    expect(csp.get('base-uri')).toBe("'none'")
    expect(csp.get('frame-ancestors')).toBe("'none'")
  })

  it('is the meta tag of src-renderer/index.html, word for word', () => {
    const html = readFileSync('src-renderer/index.html', 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)
    expect(meta?.[1]).toBe(META_CONTENT_SECURITY_POLICY)
    expect(CONTENT_SECURITY_POLICY.startsWith(META_CONTENT_SECURITY_POLICY)).toBe(true)
  })

  it('loosens only for the dev server', () => {
    const dev = devContentSecurityPolicy('http://localhost:5173/')
    expect(dev).toContain("connect-src 'self' ws://localhost:5173")
    expect(dev).not.toContain('unsafe-eval')
  })
})

describe('navigation rules', () => {
  it('recognises only the app page', () => {
    expect(isAppUrl('file:///opt/unclip/out/renderer/index.html#x', 'file:///opt/unclip/out/renderer/index.html')).toBe(
      true
    )
    expect(isAppUrl('file:///etc/passwd', 'file:///opt/unclip/out/renderer/index.html')).toBe(false)
    expect(isAppUrl('http://localhost:5173/x', 'http://localhost:5173/')).toBe(true)
    expect(isAppUrl('http://evil.example/', 'http://localhost:5173/')).toBe(false)
    expect(isAppUrl('not a url', 'http://localhost:5173/')).toBe(false)
  })
  it('opens only http(s) links externally', () => {
    expect(isExternalLink('https://unclip.app/help')).toBe(true)
    expect(isExternalLink('file:///etc/passwd')).toBe(false)
    expect(isExternalLink('javascript:alert(1)')).toBe(false)
  })
})

describe('menu', () => {
  it('binds the usual shortcuts to menu commands', () => {
    const sent: string[] = []
    const items = menuTemplate((command) => sent.push(command), 'linux').flatMap((menu) =>
      Array.isArray(menu.submenu) ? menu.submenu : []
    )
    const byAccelerator = new Map(items.filter((item) => item.accelerator).map((item) => [item.accelerator, item]))
    const expected: Record<string, string> = {
      'CmdOrCtrl+O': 'openFile',
      'Shift+CmdOrCtrl+O': 'openFolder',
      'CmdOrCtrl+E': 'export',
      'CmdOrCtrl+Plus': 'zoomIn',
      'CmdOrCtrl+-': 'zoomOut',
      'CmdOrCtrl+0': 'zoomFit',
      'CmdOrCtrl+1': 'zoomActual',
      'CmdOrCtrl+B': 'toggleBeforeAfter',
      'CmdOrCtrl+.': 'cancel'
    }
    for (const [accelerator, command] of Object.entries(expected)) {
      const item = byAccelerator.get(accelerator)
      expect(item, accelerator).toBeDefined()
      ;(item!.click as () => void)()
      expect(sent.at(-1)).toBe(command)
    }
  })
  it('offers DevTools in development builds only', () => {
    const roles = (devTools: boolean): unknown[] =>
      menuTemplate(() => undefined, 'linux', devTools).flatMap((menu) =>
        Array.isArray(menu.submenu) ? menu.submenu.map((item) => item.role) : [menu.role]
      )
    expect(roles(false)).not.toContain('toggleDevTools')
    expect(roles(true)).toContain('toggleDevTools')
    // Packaged: the main process passes !isPackaged, so false.
    expect(mainWindowOptions('/p', null, undefined, false).webPreferences?.devTools).toBe(false)
    expect(mainWindowOptions('/p', null).webPreferences?.devTools).toBe(false)
    expect(readFileSync('src-main/index.ts', 'utf8')).toContain(
      "installMenu((command: MenuCommand) => emit('menu:command', { command }), !paths.isPackaged, {"
    )
  })
  it('Help reveals the Lightroom plug-in folder from the main process', () => {
    let revealed = 0
    const help = menuTemplate(() => undefined, 'linux', false, { revealLightroomPlugin: () => revealed++ }).find(
      (menu) => menu.role === 'help'
    )
    const item = Array.isArray(help?.submenu) ? help.submenu[0] : undefined
    expect(item?.label).toBe('Show Lightroom Classic Plug-in')
    ;(item!.click as () => void)()
    expect(revealed).toBe(1)
  })
  it('adds the app menu on macOS only', () => {
    expect(menuTemplate(() => undefined, 'darwin')[0]).toEqual({ role: 'appMenu' })
    expect(menuTemplate(() => undefined, 'win32')[0]?.label).toBe('File')
  })
})
