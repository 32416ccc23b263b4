import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultSettings, openSettingsStore, parseSettings } from '../../src-main/settings'

const tempFile = async (): Promise<string> => join(await mkdtemp(join(tmpdir(), 'unclip-settings-')), 'settings.json')

describe('settings store', () => {
  it('starts from defaults and round-trips through the file, Infinity included', async () => {
    const file = await tempFile()
    const store = await openSettingsStore(file)
    expect(store.get()).toEqual(defaultSettings())
    await store.set({
      lastFolder: '/photos',
      recentFolders: ['/photos', '/old'],
      export: { formats: ['png16'], keepGps: true, jpegQuality: 80 },
      preview: { exposureEv: 1.5, whitePoint: Infinity },
      autoWhitePoint: false,
      provider: 'cpu',
      windowBounds: { x: 10, y: 20, width: 900, height: 700, maximized: true }
    })
    const reopened = await openSettingsStore(file)
    expect(reopened.get()).toEqual({
      ...defaultSettings(),
      lastFolder: '/photos',
      recentFolders: ['/photos', '/old'],
      export: { formats: ['png16'], outDir: null, overwrite: false, keepGps: true, jpegQuality: 80 },
      preview: { ...defaultSettings().preview, exposureEv: 1.5, whitePoint: Infinity },
      autoWhitePoint: false,
      provider: 'cpu',
      windowBounds: { x: 10, y: 20, width: 900, height: 700, maximized: true }
    })
    // Atomic write: no temporary file left behind.
    expect(await readdir(join(file, '..'))).toEqual(['settings.json'])
    expect(await readFile(file, 'utf8')).toContain('"whitePoint": "Infinity"')
  })

  it('rejects a bad patch with a precise message and keeps the old settings', async () => {
    const store = await openSettingsStore(await tempFile())
    await expect(store.set({ export: { formats: ['gif' as never] } })).rejects.toThrow(
      "Expected one of 'hdr', 'png', 'png16', 'exr', 'jpg', 'jpg-hdr', 'tif16', 'tif32' for settings.export.formats[0] but received \"gif\" of type string"
    )
    await expect(store.set({ export: { jpegQuality: 101 } })).rejects.toThrow(
      'Expected integer between 50 and 100 for settings.export.jpegQuality but received 101 of type number'
    )
    await expect(store.set({ autoWhitePoint: 'yes' as never })).rejects.toThrow(
      'Expected boolean for settings.autoWhitePoint but received "yes" of type string'
    )
    await expect(store.set({ colour: 'red' } as never)).rejects.toThrow(
      'Expected no such setting for settings.colour but received "red" of type string'
    )
    expect(store.get()).toEqual(defaultSettings())
  })

  it('recovers from a corrupt file with defaults', async () => {
    const file = await tempFile()
    await writeFile(file, '{"lastFolder": "/pho')
    expect((await openSettingsStore(file)).get()).toEqual(defaultSettings())
    await writeFile(file, '[1,2,3]')
    expect((await openSettingsStore(file)).get()).toEqual(defaultSettings())
  })

  it('keeps valid fields when others are bad', () => {
    const parsed = parseSettings(
      JSON.stringify({ lastFolder: 'relative/path', mode: 'hdr', provider: 'cpu', export: { formats: 'png' } })
    )
    expect(parsed.lastFolder).toBeNull()
    expect(parsed.provider).toBe('cpu')
    expect(parsed.export).toEqual(defaultSettings().export)
    // One bad export choice costs only itself.
    const mixed = parseSettings(JSON.stringify({ export: { formats: ['exr'], outDir: '/out', jpegQuality: 500 } }))
    expect(mixed.export).toEqual({ ...defaultSettings().export, formats: ['exr'], outDir: '/out' })
  })
})
