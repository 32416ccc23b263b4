import { mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { HandedFiles } from '../../src-main/ipc/handed-files'

const dir = mkdtempSync(join(tmpdir(), 'unclip-handed-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('HandedFiles', () => {
  it('knows a handed file by any path, and not a file moved into its place', async () => {
    const handed = new HandedFiles()
    const photo = join(dir, 'photo.tif')
    writeFileSync(photo, 'pixels')
    symlinkSync(photo, join(dir, 'link.tif'))
    handed.add(photo)
    handed.add(dir) // folders are browsed, never handed back
    expect(await handed.has(photo)).toBe(true)
    expect(await handed.has(join(dir, 'link.tif'))).toBe(true)
    expect(await handed.has(dir)).toBe(false)
    const other = join(dir, 'other.tif')
    writeFileSync(other, 'someone else')
    renameSync(other, photo)
    expect(await handed.has(photo)).toBe(false)
    // Once recorded again (Save and Return just wrote it), the new file is the handed one.
    handed.add(photo)
    expect(await handed.has(photo)).toBe(true)
    expect(await handed.has(join(dir, 'missing.tif'))).toBe(false)
  })
})
