/**
 * Issue 15's promises about user files, through the real CLI on real files with real signals: no
 * input replaced (whatever path reaches it), a photo's outputs land together or not at all, no
 * temporary file outlives a run, unreadable folders are skipped by name, names are escaped.
 */
import { spawnSync } from 'node:child_process'
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { listFiles, writePhoto } from './photos'
import { FIXTURE_FLAGS, finished, jsonLines, runCli, startCli, startCliWith, unprivileged } from './run-cli'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unclip-safety-'))
})
afterEach(async () => {
  await chmod(join(dir, 'shots', 'locked'), 0o755).catch(() => undefined)
  await rm(dir, { recursive: true, force: true })
})

const temps = async (root: string): Promise<string[]> =>
  (await listFiles(root)).filter((file) => file.includes('.unclip-tmp-'))

/**
 * Starts a conversion and sends `signal` once its strips are being written. On a loaded machine the
 * photo may finish before the signal lands (exit 0); then it tries again with a larger photo, so the
 * test checks the signal's handling rather than the machine's speed.
 */
async function interrupted(signal: NodeJS.Signals, twice = false): Promise<{ code: number | null; stdout: string }> {
  let run: { code: number | null; stdout: string } | undefined
  for (const [width, height] of [
    [3000, 2000],
    [6000, 4000],
    [9000, 6000]
  ]) {
    await rm(join(dir, 'unclip'), { recursive: true, force: true })
    await writePhoto(join(dir, 'a.jpg'), width, height)
    const child = startCli(['convert', 'a.jpg', '--json', '--format', 'hdr,png', ...FIXTURE_FLAGS], dir)
    let sent = false
    let upsampling = 0
    child.stdout.on('data', (chunk: string) => {
      upsampling += chunk.split('"stage":"upsample"').length - 1
      if (!sent && upsampling >= 2) {
        sent = true
        child.kill(signal)
        if (twice) child.kill(signal)
      }
    })
    run = await finished(child)
    expect(sent).toBe(true)
    if (run.code !== 0) return run
  }
  return run!
}

describe('a source photo is never replaced', () => {
  it('not through a symlinked folder, even with --overwrite (finding 3)', async () => {
    await writePhoto(join(dir, 'real', 'a.jpg'))
    await symlink(join(dir, 'real'), join(dir, 'link'))
    const original = await readFile(join(dir, 'real', 'a.jpg'))
    const run = await runCli(
      ['convert', 'link/a.jpg', '-o', 'real', '--format', 'jpg', '--overwrite', ...FIXTURE_FLAGS],
      dir
    )
    expect([run.code, run.stderr.endsWith('Converted 1 of 1: 0 failed, 0 skipped.\n')]).toEqual([0, true])
    expect(await readFile(join(dir, 'real', 'a.jpg'))).toEqual(original)
    expect(await listFiles(join(dir, 'real'))).toEqual(['a-2.jpg', 'a.jpg'])
  })

  it('nor a photo beside the input that the batch does not convert (finding 4, export in its own folder)', async () => {
    await writePhoto(join(dir, 'other.png'))
    await writePhoto(join(dir, 'other.jpg'))
    const unrelated = await readFile(join(dir, 'other.jpg'))
    const run = await runCli(
      ['convert', 'other.png', '-o', '.', '--format', 'jpg', '--overwrite', ...FIXTURE_FLAGS],
      dir
    )
    expect(run.code).toBe(0)
    expect(await readFile(join(dir, 'other.jpg'))).toEqual(unrelated)
    expect(await listFiles(dir)).toEqual(['other-2.jpg', 'other.jpg', 'other.png'])
  })
})

describe("a photo's outputs land together or not at all", () => {
  it('keeps the old .hdr when the .png cannot be replaced (finding 5)', async () => {
    await writePhoto(join(dir, 'a.jpg'))
    expect((await runCli(['convert', 'a.jpg', '--format', 'hdr,png', ...FIXTURE_FLAGS], dir)).code).toBe(0)
    const oldHdr = Buffer.concat([await readFile(join(dir, 'unclip', 'a.hdr')), Buffer.from('old')])
    await writeFile(join(dir, 'unclip', 'a.hdr'), oldHdr)
    await rm(join(dir, 'unclip', 'a.png'))
    await mkdir(join(dir, 'unclip', 'a.png'))
    const run = await runCli(['convert', 'a.jpg', '--format', 'hdr,png', '--overwrite', ...FIXTURE_FLAGS], dir)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`Cannot replace ${join(dir, 'unclip', 'a.png')}: it is not a file`)
    expect(await readFile(join(dir, 'unclip', 'a.hdr'))).toEqual(oldHdr)
    expect(await temps(dir)).toEqual([])
  })
})

describe('no temporary file outlives a run', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129]
  ] as const)('%s cancels, exits %i and removes the temporary files', async (signal, code) => {
    const run = await interrupted(signal)
    expect(run.code).toBe(code)
    expect(jsonLines(run.stdout).at(-1)).toMatchObject({ type: 'summary', cancelled: true, converted: [] })
    expect(await listFiles(dir)).toEqual(['a.jpg'])
  })

  it('a second SIGINT exits at once and still removes them', async () => {
    const run = await interrupted('SIGINT', true)
    expect(run.code).toBe(130)
    expect(await temps(dir)).toEqual([])
  })

  it("SIGKILL's leftovers are removed by the next run in that folder; a live process's are not", async () => {
    const run = await interrupted('SIGKILL')
    expect(run.code).toBe(null)
    const left = await temps(dir)
    expect(left.length).toBeGreaterThan(0)
    const live = join(dir, 'unclip', `.b.hdr.unclip-tmp-${process.pid}-0123abcd`)
    await writeFile(live, 'in progress elsewhere')
    await writePhoto(join(dir, 'b.jpg'))
    const next = await runCli(['convert', 'b.jpg', '--format', 'hdr', ...FIXTURE_FLAGS], dir)
    expect(next.code).toBe(0)
    expect(await temps(dir)).toEqual([join('unclip', `.b.hdr.unclip-tmp-${process.pid}-0123abcd`)])
  })
})

describe('a full disk', () => {
  const mnt = join(tmpdir(), `unclip-tmpfs-${process.pid}`)
  let mounted = ''
  beforeAll(async () => {
    await mkdir(mnt, { recursive: true })
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { encoding: 'utf8' })
    mounted = mount.status === 0 ? mnt : ''
    if (!mounted) console.warn(`skipped: cannot mount a 1 MB tmpfs here (${mount.stderr?.trim() || mount.error})`)
  })
  afterAll(async () => {
    if (mounted) spawnSync('umount', [mounted])
    await rm(mnt, { recursive: true, force: true })
  })

  it('fails the photo with DISK_FULL and leaves the 1 MB tmpfs empty with two whole-image writers', async (context) => {
    if (!mounted) return context.skip()
    // Noise does not compress: the EXR alone needs several MB.
    const noise = Buffer.alloc(1200 * 800 * 3)
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24
    await sharp(noise, { raw: { width: 1200, height: 800, channels: 3 } })
      .jpeg({ quality: 98 })
      .toFile(join(dir, 'n.jpg'))
    const run = await runCli(
      ['convert', 'n.jpg', '-o', join(mounted, 'out'), '--format', 'exr,jpg-hdr', '--json', ...FIXTURE_FLAGS],
      dir
    )
    expect(run.code).toBe(1)
    expect(jsonLines(run.stdout).at(-1)?.failed).toEqual([
      {
        input: join(dir, 'n.jpg'),
        error: {
          code: 'DISK_FULL',
          message: expect.stringMatching(/^Disk full while writing .*\/out\/n(-ultrahdr\.jpg|\.exr)$/)
        }
      }
    ])
    expect(await listFiles(mounted)).toEqual([])
  })
})

describe('unreadable folders and files', () => {
  const how = unprivileged()
  it.skipIf('skip' in how)('are skipped with a named warning; the rest converts (finding 5, recursive)', async () => {
    if ('skip' in how) return
    await writePhoto(join(dir, 'shots', 'a.jpg'))
    await writePhoto(join(dir, 'shots', 'locked', 'b.jpg'))
    await writePhoto(join(dir, 'shots', 'c.jpg'))
    await chmod(join(dir, 'shots', 'locked'), 0)
    await chmod(join(dir, 'shots', 'c.jpg'), 0)
    const run = await finished(
      startCliWith(how.command, ['convert', 'shots', '--recursive', '--format', 'hdr', ...FIXTURE_FLAGS], dir)
    )
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(
      `skipped ${join(dir, 'shots', 'c.jpg')}: Cannot read ${join(dir, 'shots', 'c.jpg')}: permission denied\n`
    )
    expect(run.stderr).toContain(
      `skipped ${join(dir, 'shots', 'locked')}: Cannot read ${join(dir, 'shots', 'locked')}: permission denied\n`
    )
    expect(run.stderr).toContain('Converted 1 of 1: 0 failed, 0 skipped.')
    expect(await listFiles(join(dir, 'shots', 'unclip'))).toEqual(['a.hdr'])
  })

  it('a link loop is named in a sentence, never "Unexpected error"', async () => {
    await symlink(join(dir, 'loop.jpg'), join(dir, 'loop.jpg'))
    const run = await runCli(['convert', 'loop.jpg', ...FIXTURE_FLAGS], dir)
    expect(run.code).toBe(1)
    expect(run.stderr).toBe(
      `skipped ${join(dir, 'loop.jpg')}: Cannot read ${join(dir, 'loop.jpg')}: too many symbolic links (a link that points back at itself?)\nunclip: No images found in loop.jpg\n`
    )
  })
})

describe('names printed to a terminal', () => {
  it('show escape sequences instead of running them (finding 6)', async () => {
    const name = 'evil\x1b]0;owned\x07\u009b31m.jpg'
    await writePhoto(join(dir, name))
    const plain = await runCli(['convert', '.', '--format', 'hdr', ...FIXTURE_FLAGS], dir)
    expect(plain.code).toBe(0)
    // eslint-disable-next-line no-control-regex
    expect(plain.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/)
    expect(plain.stderr).toContain('evil\\x1b]0;owned\\x07\\x9b31m.jpg')
    const json = await runCli(['convert', '.', '--format', 'hdr', '--overwrite', '--json', ...FIXTURE_FLAGS], dir)
    // eslint-disable-next-line no-control-regex
    expect(json.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/)
    expect(jsonLines(json.stdout).at(-1)?.converted).toMatchObject([{ input: join(dir, name) }])
  })
})
