import { mkdtemp, open, readdir, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { toUnclipError, type UnclipError } from './errors'
import { fsReason, readError, writeError } from './fs-errors'

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: x, open 'y'`), { code })
const dirs: string[] = []
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })))
})

describe('file-system errors as sentences', () => {
  it('maps permission, read-only, disk-full and every other write error', () => {
    const cases: [string, string, string][] = [
      ['EACCES', 'OUTPUT_NOT_WRITABLE', 'Cannot write to /out: permission denied'],
      ['EPERM', 'OUTPUT_NOT_WRITABLE', 'Cannot write to /out: permission denied'],
      ['EROFS', 'OUTPUT_NOT_WRITABLE', 'Cannot write to /out: read-only file system'],
      ['ENOTDIR', 'OUTPUT_NOT_WRITABLE', 'Cannot write to /out: a file is in the way of the folder'],
      ['ENOSPC', 'DISK_FULL', 'Disk full while writing /out/a.hdr'],
      ['EDQUOT', 'DISK_FULL', 'Disk full while writing /out/a.hdr'],
      ['EIO', 'OUTPUT_NOT_WRITABLE', 'Cannot write /out/a.hdr: input/output error (a failing or disconnected drive?)'],
      [
        'ELOOP',
        'OUTPUT_NOT_WRITABLE',
        'Cannot write /out/a.hdr: too many symbolic links (a link that points back at itself?)'
      ]
    ]
    for (const [code, expected, message] of cases) {
      const mapped = writeError(errno(code), '/out', '/out/a.hdr') as UnclipError
      expect([mapped.code, mapped.message]).toEqual([expected, message])
    }
    const notFs = new RangeError('bad strip')
    expect(writeError(notFs, '/out', '/out/a.hdr')).toBe(notFs)
  })

  it('names the file for read errors, with the system words for codes it does not know', () => {
    expect(readError(errno('ENOENT'), '/in/a.jpg').toJSON()).toEqual({
      code: 'FILE_NOT_FOUND',
      message: 'File not found: /in/a.jpg'
    })
    expect(readError(errno('EACCES'), '/in').toJSON()).toEqual({
      code: 'NOT_READABLE',
      message: 'Cannot read /in: permission denied'
    })
    expect(fsReason(errno('EWEIRD'))).toBe('x')
  })

  it('turns a real ELOOP from a self-referencing link into a sentence naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'unclip-eloop-'))
    dirs.push(dir)
    const loop = join(dir, 'loop.jpg')
    await symlink(loop, loop)
    const thrown = await open(loop, 'r').catch((error: unknown) => error)
    expect(readError(thrown, loop).toJSON()).toEqual({
      code: 'NOT_READABLE',
      message: `Cannot read ${loop}: too many symbolic links (a link that points back at itself?)`
    })
    // Even uncaught by a caller that knew the context, it never reads "Unexpected error".
    expect(toUnclipError(thrown).message).toBe(
      `Cannot use ${loop}: too many symbolic links (a link that points back at itself?)`
    )
    expect(await readdir(dir)).toEqual(['loop.jpg'])
  })
})
