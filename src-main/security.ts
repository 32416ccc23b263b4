/**
 * Hardening shared by the window and the session: the Content-Security-Policy, navigation and
 * new-window blocking, and permission denial. The pure parts are exported for tests.
 */
import type { Session, WebContents } from 'electron'

/**
 * The renderer's CSP as the `<meta>` tag in `src-renderer/index.html` states it (a test checks they
 * are identical). No remote origins, no eval, no inline script or style.
 */
export const META_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'"
].join('; ')

/**
 * The response-header form: the meta policy plus `frame-ancestors`, which browsers ignore (with a
 * console warning) when it comes from a meta tag.
 */
export const CONTENT_SECURITY_POLICY = `${META_CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`

/** The same policy plus the dev server's websocket for hot reload; used only under `electron-vite dev`. */
export function devContentSecurityPolicy(devServerUrl: string): string {
  const origin = new URL(devServerUrl)
  const ws = `ws://${origin.host}`
  return CONTENT_SECURITY_POLICY.replace("connect-src 'self'", `connect-src 'self' ${ws}`).replace(
    "style-src 'self'",
    "style-src 'self' 'unsafe-inline'"
  )
}

/**
 * True when `url` is the app's own page: same file for `file:` loads, same origin for the dev server.
 * @param appUrl - the URL the window was loaded with
 */
export function isAppUrl(url: string, appUrl: string): boolean {
  let target: URL
  let app: URL
  try {
    target = new URL(url)
    app = new URL(appUrl)
  } catch {
    return false
  }
  if (app.protocol === 'file:') return target.protocol === 'file:' && target.pathname === app.pathname
  return target.origin === app.origin
}

/** Links the app hands to the system browser: plain http(s) only. */
export function isExternalLink(url: string): boolean {
  try {
    const { protocol } = new URL(url)
    return protocol === 'https:' || protocol === 'http:'
  } catch {
    return false
  }
}

/**
 * Sets the CSP header on every response and denies every permission request (camera, notifications,
 * geolocation, ...): the app needs none.
 */
export function hardenSession(session: Session, policy: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] } })
  })
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
}

/**
 * Blocks navigation away from the app and every new window; http(s) links open in the browser.
 * @param openExternal - `shell.openExternal`
 */
export function hardenWebContents(
  contents: WebContents,
  appUrl: () => string,
  openExternal: (url: string) => void
): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appUrl())) event.preventDefault()
  })
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, appUrl())) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) openExternal(url)
    return { action: 'deny' }
  })
}
