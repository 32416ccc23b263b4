import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  commitFiles,
  ProtectedFiles,
  registeredTemps,
  removeStaleTemps,
  tempPathFor,
  writeFileAtomically
} from './file-commit'

const MODULE = fileURLToPath(new URL('./file-commit.ts', import.meta.url))
let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unclip-commit-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function pending(name: string, content: string): Promise<{ tempPath: string; finalPath: string }> {
  const finalPath = join(dir, name)
  const tempPath = tempPathFor(finalPath)
  await writeFile(tempPath, content)
  return { tempPath, finalPath }
}

describe('commitFiles', () => {
  it('puts every replaced file back when a later one fails', async () => {
    await writeFile(join(dir, 'a.hdr'), 'old hdr')
    const hdr = await pending('a.hdr', 'new hdr')
    const png = { tempPath: join(dir, '.a.png.unclip-tmp-1-gone'), finalPath: join(dir, 'a.png') }
    await expect(commitFiles([hdr, png], { overwrite: true })).rejects.toThrow(`Cannot write ${png.finalPath}`)
    expect(await readFile(join(dir, 'a.hdr'), 'utf8')).toBe('old hdr')
    expect((await readdir(dir)).filter((name) => !name.startsWith(`.a.hdr.unclip-tmp-${process.pid}`))).toEqual([
      'a.hdr'
    ])
  })

  it('never replaces a protected file, whatever path reaches it', async () => {
    await mkdir(join(dir, 'real'))
    await writeFile(join(dir, 'real', 'a.jpg'), 'the original')
    await symlink(join(dir, 'real'), join(dir, 'link'))
    const protect = new ProtectedFiles()
    await protect.add(join(dir, 'link', 'a.jpg'))
    const output = { tempPath: tempPathFor(join(dir, 'real', 'a.jpg')), finalPath: join(dir, 'real', 'a.jpg') }
    await writeFile(output.tempPath, 'an output')
    const refused = commitFiles([output], { overwrite: true, protect })
    await expect(refused).rejects.toThrow(
      `Will not replace ${output.finalPath}: it is one of this run's own photos or outputs, whatever path reaches it`
    )
    // Its own code, so a batch reports it as a failure with this reason rather than a silent skip.
    await expect(refused).rejects.toMatchObject({ code: 'OUTPUT_PROTECTED' })
    expect(await readFile(join(dir, 'real', 'a.jpg'), 'utf8')).toBe('the original')
  })

  it('refuses an existing target without overwrite, and adds what it wrote to the protected files', async () => {
    await writeFile(join(dir, 'a.png'), 'theirs')
    const protect = new ProtectedFiles()
    await expect(commitFiles([await pending('a.png', 'ours')], { protect })).rejects.toThrow(
      `Output already exists: ${join(dir, 'a.png')} (use --overwrite to replace it)`
    )
    await writeFileAtomically(join(dir, 'b.png'), 'ours', { protect })
    await expect(writeFileAtomically(join(dir, 'b.png'), 'again', { overwrite: true, protect })).rejects.toThrow(
      'Will not replace'
    )
    expect(registeredTemps().filter((temp) => temp.startsWith(dir))).toEqual([])
  })
})

describe('removeStaleTemps', () => {
  it("removes dead processes' temporary files only", async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid
    const names = [
      `.a.hdr.unclip-tmp-${dead}-0011aabb`,
      `.a.hdr.unclip-tmp-${process.pid}-0011aabb`,
      `.a.hdr.unclip-tmp-1-0011aabb`,
      'a.hdr.unclip-tmp-x',
      'photo.jpg'
    ]
    for (const name of names) await writeFile(join(dir, name), '')
    expect(await removeStaleTemps(dir)).toEqual([join(dir, names[0])])
    expect((await readdir(dir)).sort()).toEqual(names.slice(1).sort())
  })
})

describe('a process that ends in the middle of a commit', () => {
  it('puts the originals back at exit: all or none, even on a second Ctrl+C', async () => {
    {
      await writeFile(join(dir, 'a.hdr'), 'old a')
      await writeFile(join(dir, 'b.png'), 'old b')
      // A child process commits two replacements and exits (as process.exit does) between the two.
      const script = `
        import { writeFile } from 'node:fs/promises'
        import fs from 'node:fs/promises'
        import { syncBuiltinESMExports } from 'node:module'
        import { commitFiles, tempPathFor, registerTemp } from ${JSON.stringify(pathToFileURL(MODULE).href)}
        const files = []
        for (const name of ['a.hdr', 'b.png']) {
          const finalPath = ${JSON.stringify(dir)} + '/' + name
          const tempPath = tempPathFor(finalPath)
          registerTemp(tempPath)
          await writeFile(tempPath, 'new ' + name)
          files.push({ tempPath, finalPath })
        }
        const rename = fs.rename
        let renames = 0
        // The second file's rename never comes: the process exits right after the first one.
        fs.rename = async (...args) => { if (++renames === 2) process.exit(130); return rename(...args) }
        syncBuiltinESMExports()
        await commitFiles(files, { overwrite: true })
      `
      const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        encoding: 'utf8'
      })
      expect(run.status).toBe(130)
      expect(await readFile(join(dir, 'a.hdr'), 'utf8')).toBe('old a')
      expect(await readFile(join(dir, 'b.png'), 'utf8')).toBe('old b')
      expect((await readdir(dir)).sort()).toEqual(['a.hdr', 'b.png'])
    }
  })
})
