import { describe, expect, it, vi } from 'vitest'

// The gateway registers on ipcMain; the sender check under test needs nothing from Electron.
vi.mock('electron', () => ({ ipcMain: {} }))
const { isTrustedSender } = await import('../../src-main/ipc/gateway')
type Event = Parameters<typeof isTrustedSender>[0]
type Target = Parameters<typeof isTrustedSender>[1]

const APP_URL = 'file:///opt/unclip/out/renderer/index.html'

function windowContents(url = APP_URL) {
  const mainFrame = { url }
  return { mainFrame }
}

function event(sender: unknown, senderFrame: unknown): Event {
  return { sender, senderFrame } as unknown as Event
}

function target(contents: unknown): Target {
  return { contents: () => contents, appUrl: () => APP_URL } as unknown as Target
}

describe('isTrustedSender', () => {
  it("answers the app window's main frame at the app's URL", () => {
    const contents = windowContents()
    expect(isTrustedSender(event(contents, contents.mainFrame), target(contents))).toBe(true)
  })

  it('refuses another window', () => {
    const app = windowContents()
    const other = windowContents()
    expect(isTrustedSender(event(other, other.mainFrame), target(app))).toBe(false)
  })

  it('refuses a subframe of the app window', () => {
    const contents = windowContents()
    const subframe = { url: APP_URL }
    expect(isTrustedSender(event(contents, subframe), target(contents))).toBe(false)
  })

  it('refuses the main frame once it has navigated to another URL', () => {
    const contents = windowContents('https://example.com/')
    expect(isTrustedSender(event(contents, contents.mainFrame), target(contents))).toBe(false)
    const file = windowContents('file:///etc/passwd')
    expect(isTrustedSender(event(file, file.mainFrame), target(file))).toBe(false)
  })

  it('refuses a destroyed frame and a closed window', () => {
    const contents = windowContents()
    expect(isTrustedSender(event(contents, null), target(contents))).toBe(false)
    expect(isTrustedSender(event(contents, contents.mainFrame), target(undefined))).toBe(false)
  })
})
