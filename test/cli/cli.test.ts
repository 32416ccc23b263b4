import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { decodeRadiance } from '../../src-main/engine/codecs/radiance-decoder'
import { listFiles, writePhoto } from './photos'
import { BIN, FIXTURE_FLAGS, finished, jsonLines, runCli, startCli } from './run-cli'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unclip-cli-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const USAGE_HINT = "Run 'unclip --help' for usage.\n"

describe('unclip without an engine', () => {
  it('prints help and the version', async () => {
    const help = await runCli(['--help'], dir)
    expect([help.code, help.stderr]).toEqual([0, ''])
    expect(help.stdout).toMatch(/^Usage: unclip <command> \[options\]\n/)
    const convertHelp = await runCli(['convert', '--help'], dir)
    expect(convertHelp.stdout).toMatch(/^Usage: unclip convert <files or folders\.\.\.> \[options\]\n/)
    expect(convertHelp.stdout).toContain('--models-dir DIR')
    const manifest = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string
    }
    expect(await runCli(['--version'], dir)).toEqual({ code: 0, stdout: `${manifest.version}\n`, stderr: '' })
  })

  it('exits 2 with one clear line for usage errors', async () => {
    expect(await runCli(['convert', 'a.jpg', '--format', 'gif'], dir)).toEqual({
      code: 2,
      stdout: '',
      stderr: `unclip: Invalid value 'gif' for --format; expected one of hdr, png, png16, exr, jpg, jpg-hdr, tif16, tif32\n${USAGE_HINT}`
    })
    expect(await runCli(['shrink'], dir)).toEqual({
      code: 2,
      stdout: '',
      stderr: `unclip: Unknown command 'shrink'; expected convert or info\n${USAGE_HINT}`
    })
  })

  it('exits 1 for a missing input and a missing model', async () => {
    expect(await runCli(['convert', 'nope.jpg', ...FIXTURE_FLAGS], dir)).toEqual({
      code: 1,
      stdout: '',
      stderr: `unclip: File not found: ${join(dir, 'nope.jpg')}\n`
    })
    await writePhoto(join(dir, 'a.jpg'))
    const empty = join(dir, 'no-models')
    await mkdir(empty)
    expect(await runCli(['convert', 'a.jpg', '--models-dir', empty, '--json'], dir)).toEqual({
      code: 1,
      stdout: `${JSON.stringify({ type: 'error', code: 'MODEL_MISSING', message: `No model found in ${empty}` })}\n`,
      stderr: `unclip: No model found in ${empty}\n`
    })
  })

  it("reports a model that cannot be loaded as the run's error, not the photo's, whether or not the photo decodes", async () => {
    const models = join(dir, 'junk-models')
    await mkdir(models)
    const card = JSON.parse(await readFile(join(FIXTURE_FLAGS[1], 'unclip-fixture.json'), 'utf8')) as object
    await writeFile(join(models, 'junk.json'), JSON.stringify({ ...card, name: 'junk', file: 'junk.onnx' }))
    await writeFile(join(models, 'junk.onnx'), 'not a model')
    await writePhoto(join(dir, 'a.jpg'))
    await writeFile(join(dir, 'broken.jpg'), 'not a photo')
    for (const photo of ['a.jpg', 'broken.jpg']) {
      const run = await runCli(['convert', photo, '--models-dir', models, '--model', 'junk', '--json'], dir)
      expect(run.code).toBe(1)
      const lines = jsonLines(run.stdout)
      expect(lines.filter((line) => line.type !== 'progress')).toEqual([
        expect.objectContaining({ type: 'error', code: 'MODEL_CORRUPT' })
      ])
      expect(lines.filter((line) => line.stage === 'failed' || line.stage === 'done')).toEqual([])
      expect(run.stderr).toMatch(/^unclip: Model "junk" could not be loaded from /)
    }
  })
})

describe('unclip convert', () => {
  it('converts a folder given relative to the working directory, with JSON lines', async () => {
    await writePhoto(join(dir, 'shots', 'a.jpg'), 48, 32)
    await writePhoto(join(dir, 'shots', 'b.png'), 40, 30)
    const run = await runCli(['convert', 'shots', '--json', ...FIXTURE_FLAGS], dir)

    expect([run.code, run.stderr]).toEqual([0, ''])
    const lines = jsonLines(run.stdout)
    const summary = lines.at(-1)
    expect(lines.slice(0, -1).every((line) => line.type === 'progress')).toBe(true)
    expect(lines.filter((line) => line.stage === 'done').map((line) => line.file)).toEqual([
      join(dir, 'shots', 'a.jpg'),
      join(dir, 'shots', 'b.png')
    ])
    expect(summary).toMatchObject({ type: 'summary', failed: [], skipped: [], cancelled: false })
    expect((summary?.converted as { outputs: string[] }[]).map((c) => c.outputs)).toEqual([
      [join(dir, 'shots', 'unclip', 'a.hdr'), join(dir, 'shots', 'unclip', 'a.png')],
      [join(dir, 'shots', 'unclip', 'b.hdr'), join(dir, 'shots', 'unclip', 'b.png')]
    ])
    const hdr = decodeRadiance(await readFile(join(dir, 'shots', 'unclip', 'b.hdr')))
    expect([hdr.width, hdr.height]).toEqual([40, 30])
  })

  it("tone-maps with each photo's own white point by default, or the one given with --white-point", async () => {
    await writePhoto(join(dir, 'a.jpg'))
    const whiteOf = async (extra: string[], out: string): Promise<{ white: number; png: Buffer }> => {
      const run = await runCli(['convert', 'a.jpg', '-o', out, '--json', ...extra, ...FIXTURE_FLAGS], dir)
      expect([run.code, run.stderr]).toEqual([0, ''])
      const [converted] = jsonLines(run.stdout).at(-1)?.converted as { tonemap: { whitePoint: number } }[]
      return { white: converted.tonemap.whitePoint, png: await readFile(join(dir, out, 'a.png')) }
    }
    const auto = await whiteOf([], 'auto')
    const fixed = await whiteOf(['--white-point', '8'], 'fixed')
    expect(auto.white).toBeGreaterThanOrEqual(1)
    expect(auto.white).toBeLessThan(8)
    expect(fixed.white).toBe(8)
    expect(auto.png.equals(fixed.png)).toBe(false)
  })

  it('writes OpenEXR and Ultra HDR JPEG with --format exr,jpg-hdr', async () => {
    await writePhoto(join(dir, 'a.jpg'))
    const run = await runCli(['convert', 'a.jpg', '--format', 'exr,jpg-hdr', '--keep-gps', ...FIXTURE_FLAGS], dir)
    expect([run.code, run.stderr.includes('Converted 1 of 1')]).toEqual([0, true])
    expect(await listFiles(join(dir, 'unclip'))).toEqual(['a-ultrahdr.jpg', 'a.exr'])
    const exr = await readFile(join(dir, 'unclip', 'a.exr'))
    expect(exr.readUInt32LE(0)).toBe(20000630)
    const jpeg = await readFile(join(dir, 'unclip', 'a-ultrahdr.jpg'))
    expect([jpeg[0], jpeg[1], jpeg.includes('hdrgm:Version')]).toEqual([0xff, 0xd8, true])
  })

  it('skips existing outputs (exit 1, files untouched) and replaces them with --overwrite (exit 0)', async () => {
    await writePhoto(join(dir, 'a.jpg'))
    const first = await runCli(['convert', 'a.jpg', '--format', 'hdr', ...FIXTURE_FLAGS], dir)
    expect(first.code).toBe(0)
    const output = join(dir, 'unclip', 'a.hdr')
    const before = await readFile(output)
    await writeFile(output, Buffer.concat([before, Buffer.from('edited')]))
    const edited = await readFile(output)

    const again = await runCli(['convert', 'a.jpg', '--format', 'hdr', ...FIXTURE_FLAGS], dir)
    expect(again.code).toBe(1)
    expect(again.stderr).toContain(
      `Converted 0 of 1: 0 failed, 1 skipped.\n  skipped ${join(dir, 'a.jpg')}: outputs already exist (--overwrite replaces them)\n`
    )
    expect(await readFile(output)).toEqual(edited)

    const replaced = await runCli(['convert', 'a.jpg', '--format', 'hdr', '--overwrite', ...FIXTURE_FLAGS], dir)
    expect(replaced.code).toBe(0)
    expect(await readFile(output)).toEqual(before)
  })

  it('lists a corrupt file and an unwritable output folder as failures and exits 1', async () => {
    await writePhoto(join(dir, 'in', 'a.jpg'))
    await writeFile(join(dir, 'in', 'b.jpg'), 'not a photo')
    const run = await runCli(['convert', 'in', '--json', ...FIXTURE_FLAGS], dir)
    expect(run.code).toBe(1)
    expect(jsonLines(run.stdout).at(-1)?.failed).toEqual([
      {
        input: join(dir, 'in', 'b.jpg'),
        error: {
          code: 'NOT_AN_IMAGE',
          message: `Not an image, or a format Unclip cannot read: ${join(dir, 'in', 'b.jpg')}`
        }
      }
    ])
    expect(await listFiles(join(dir, 'in', 'unclip'))).toEqual(['a.hdr', 'a.png'])

    await writeFile(join(dir, 'file'), '')
    const blocked = await runCli(['convert', join(dir, 'in', 'a.jpg'), '-o', 'file/out', ...FIXTURE_FLAGS], dir)
    expect(blocked.code).toBe(1)
    expect(blocked.stderr).toContain(
      `  failed  ${join(dir, 'in', 'a.jpg')}: Cannot write to ${join(dir, 'file', 'out')}: a file is in the way of the folder\n`
    )
  })

  it('cancels on SIGINT, exits 130 and leaves no partial or temp files', async () => {
    await writePhoto(join(dir, 'b.jpg'), 64, 48)
    // On a loaded machine a photo can finish before the signal lands: then again, larger.
    let run: Awaited<ReturnType<typeof finished>> | undefined
    let signalled = false
    for (const [width, height] of [
      [3000, 2000],
      [8000, 5000]
    ]) {
      await rm(join(dir, 'unclip'), { recursive: true, force: true })
      await writePhoto(join(dir, 'a.jpg'), width, height)
      const child = startCli(['convert', '.', '--json', ...FIXTURE_FLAGS], dir)
      signalled = false
      let pending = ''
      child.stdout.on('data', (chunk: string) => {
        pending += chunk
        if (!signalled && pending.includes('"stage":"upsample"')) {
          signalled = true
          child.kill('SIGINT')
        }
      })
      run = await finished(child)
      if (run.code !== 0) break
    }
    if (!run) throw new Error('no run')

    // How fast the cancel lands is measured by `npm run bench` (cancelMs), not asserted here.
    expect(signalled).toBe(true)
    expect(run.code).toBe(130)
    expect(jsonLines(run.stdout).at(-1)).toEqual({
      type: 'summary',
      converted: [],
      failed: [],
      skipped: [],
      cancelled: true
    })
    expect(await listFiles(dir)).toEqual(['a.jpg', 'b.jpg'])
  })
})

/** util-linux `script` runs a command on a pseudo-terminal, so stderr is a TTY as in a shell. */
const SCRIPT = '/usr/bin/script'

describe('unclip convert on a terminal', () => {
  it.skipIf(!existsSync(SCRIPT))('redraws one progress line in place, then prints the summary', async () => {
    await writePhoto(join(dir, 'a.jpg'))
    const command = [process.execPath, BIN, 'convert', 'a.jpg', ...FIXTURE_FLAGS].map((arg) => `'${arg}'`).join(' ')
    const tty = spawnSync(SCRIPT, ['-qfec', command, '/dev/null'], { cwd: dir, encoding: 'utf8', timeout: 60_000 })
    expect(tty.status).toBe(0)
    expect(tty.stdout).toContain('\r\x1b[2K[1/1] ')
    // The line starts with the terminal's erase-line escape sequence.
    // eslint-disable-next-line no-control-regex
    expect(tty.stdout).toMatch(/\r\x1b\[2K\[1\/1\] ░+ {3}0% decode {4}a\.jpg/)
    expect(tty.stdout).toContain(`[1/1] done      ${join(dir, 'a.jpg')}\r\n`)
    expect(tty.stdout).toContain('Converted 1 of 1: 0 failed, 0 skipped.\r\n')
  })
})

describe('unclip info', () => {
  it('prints the model, the providers and why the chosen one was chosen', async () => {
    const run = await runCli(['info', '--ep', 'cpu', ...FIXTURE_FLAGS], dir)
    expect([run.code, run.stderr]).toEqual([0, ''])
    const info = JSON.parse(run.stdout) as Record<string, unknown>
    expect(info).toEqual({
      model: { name: 'unclip-fixture', version: '0.0.1', fixture: true },
      providersAvailable: expect.arrayContaining(['cpu']),
      provider: { requested: ['cpu'], chosen: 'cpu', fallbacks: [] },
      modes: ['hdr', 'lowlight']
    })
  })
})
