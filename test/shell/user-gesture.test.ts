/**
 * Issue 15, finding 4: the main process decides what the renderer may touch. Grants come only from
 * user gestures and never cover a root or the home folder; saved folders come back only while
 * they exist; the renderer cannot make the app replace a file the user did not choose.
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApi } from '../../src-preload/api'
import type { DroppedFile } from '../../src-preload/contract'
import { createInProcessEngineHost } from '../../src-main/engine-host/in-process'
import { defaultSettings, openSettingsStore } from '../../src-main/settings'
import { createHandlers, type Handlers } from '../../src-main/ipc/handlers'
import { HandedFiles } from '../../src-main/ipc/handed-files'
import { createPathGuard, type PathGuard } from '../../src-main/ipc/path-guard'
import { regrantSavedFolders } from '../../src-main/ipc/saved-folders'
import { writePhoto } from '../cli/photos'

const TONEMAP = { operator: 'reinhard', exposureEv: 0, whitePoint: Infinity, gamma: 1 } as const
const host = createInProcessEngineHost({ modelsDir: 'test/fixtures/models', model: 'unclip-fixture' })
let dir: string
let guard: PathGuard
let handlers: Handlers
let confirm = false
const asked: string[] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unclip-gesture-'))
  guard = createPathGuard()
  handlers = createHandlers({
    host,
    dialogs: {
      openFiles: async () => [],
      openFolder: async () => null,
      chooseOutputFolder: async () => null,
      confirmReplace: async (file) => {
        asked.push(file)
        return confirm
      }
    },
    settings: await openSettingsStore(join(dir, 'settings.json')),
    shell: { showItemInFolder: () => undefined },
    pathGuard: guard,
    emit: () => undefined,
    pendingFiles: { drain: () => [] },
    roundTrip: { files: new HandedFiles(), quit: () => undefined }
  })
})
afterAll(async () => {
  await host.dispose()
  await rm(dir, { recursive: true, force: true })
})

describe('grants', () => {
  it('never cover a file-system root or the home folder itself, nor paths that do not exist', async () => {
    const photos = join(dir, 'photos')
    await mkdir(photos)
    // A link to the root is as broad as the root.
    await symlink('/', join(dir, 'everything'))
    const granted = await handlers['paths:grant']({
      paths: ['/', homedir(), join(dir, 'missing'), join(dir, 'everything'), photos]
    })
    expect(granted).toEqual({ ok: true, value: [photos] })
    expect(guard.allows('/etc/passwd')).toBe(false)
    expect(() => createPathGuard().grant('/', 'tree')).toThrow(
      'Unclip does not open / as a whole; choose a folder inside it.'
    )
    expect((await handlers['folder:list']({ folder: '/etc' })).ok).toBe(false)
  })

  it('from a drop only for files of a real drop, never for paths a script names', async () => {
    const sent: unknown[] = []
    const api = createApi(
      { invoke: async (_channel, payload) => (sent.push(payload), { ok: true, value: [] }), on: () => () => undefined },
      {
        pathForFile: (file) => (file as unknown as { path: string }).path,
        droppedByUser: (path) => path === '/photos/real.jpg'
      }
    )
    await api.grantDroppedFiles([{ path: '/photos/real.jpg' }, { path: '/' }] as unknown as DroppedFile[])
    expect(sent).toEqual([{ paths: ['/photos/real.jpg'] }])
  })

  it('of saved folders come back at launch only while they are still folders', async () => {
    const kept = join(dir, 'kept')
    const gone = join(dir, 'gone')
    const nowFile = join(dir, 'now-a-file')
    await mkdir(kept)
    await writeFile(nowFile, '')
    const fresh = createPathGuard()
    const settings = { ...defaultSettings(), lastFolder: gone, recentFolders: [kept, nowFile, '/'] }
    expect(await regrantSavedFolders(fresh, settings)).toEqual([kept])
    expect([fresh.allows(join(kept, 'a.jpg')), fresh.allows(join(gone, 'a.jpg')), fresh.allows(nowFile)]).toEqual([
      true,
      false,
      false
    ])
  })
})

describe('destructive writes need the user', () => {
  it('export with overwrite never replaces a photo beside the original (other.jpg when exporting other.png)', async () => {
    const folder = join(dir, 'export')
    const png = await writePhoto(join(folder, 'other.png'))
    const jpg = await writePhoto(join(folder, 'other.jpg'))
    const unrelated = await readFile(jpg)
    guard.grant(folder, 'tree')
    const written = await handlers['export:write']({
      path: png,
      formats: ['jpg'],
      tonemap: TONEMAP,
      mode: 'hdr',
      outDir: folder,
      overwrite: true
    })
    expect(written).toEqual({ ok: true, value: { outputs: [join(folder, 'other-2.jpg')] } })
    expect(await readFile(jpg)).toEqual(unrelated)
  })

  it('Save and return replaces an -unclip.tif it did not write only after a yes in a native dialog', async () => {
    const folder = join(dir, 'save')
    const photo = await writePhoto(join(folder, 'sky.png'))
    const theirs = join(folder, 'sky-unclip.tif')
    await writeFile(theirs, 'somebody else’s file')
    guard.grant(folder, 'tree')
    const request = { path: photo, tonemap: TONEMAP, mode: 'hdr', confirmReplace: false }

    confirm = false
    const refused = await handlers['plugin:saveAndReturn'](request)
    expect(refused).toEqual({
      ok: false,
      error: { code: 'CANCELLED', message: `Kept ${theirs}; nothing was written.` }
    })
    expect(await readFile(theirs, 'utf8')).toBe('somebody else’s file')

    confirm = true
    expect(await handlers['plugin:saveAndReturn'](request)).toEqual({ ok: true, value: { output: theirs } })
    expect(asked).toEqual([theirs, theirs])
    // Now it is this app's own file: saving again updates it without asking.
    expect((await handlers['plugin:saveAndReturn'](request)).ok).toBe(true)
    expect(asked).toHaveLength(2)
  })
})
