/**
 * The installed app's command line: `Unclip --cli …` runs the CLI with the app's own models and strip
 * worker (here in plain Node, as the main process would call it), and the launcher in resources/bin
 * (build/cli/unclip) finds the app's executable beside it and passes everything on.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { cliArguments, runInstalledCli } from '../../src-main/cli-mode'
import type { CliIo } from '../../src-main/cli/io'
import { listFiles, writePhoto } from '../cli/photos'

const root = mkdtempSync(join(tmpdir(), 'unclip-cli-mode-'))
const FIXTURE_MODELS = fileURLToPath(new URL('../fixtures/models', import.meta.url))
const STRIP_WORKER = fileURLToPath(new URL('../../out/cli/strip-worker.js', import.meta.url))
const LAUNCHER = fileURLToPath(new URL('../../build/cli/unclip', import.meta.url))

afterAll(() => rmSync(root, { recursive: true, force: true }))

function capture(): { io: CliIo; text(): string } {
  let text = ''
  const stream = (): NodeJS.WriteStream => {
    const s = new PassThrough()
    s.on('data', (chunk: Buffer) => (text += chunk.toString()))
    return s as unknown as NodeJS.WriteStream
  }
  return { io: { stdout: stream(), stderr: stream() }, text: () => text }
}

describe('Unclip --cli', () => {
  it('takes what follows --cli, and nothing for a normal start', () => {
    expect(cliArguments(['/opt/Unclip/unclip', '--cli', 'convert', 'a b.jpg'])).toEqual(['convert', 'a b.jpg'])
    expect(cliArguments(['/opt/Unclip/unclip', '/photos/a.tif'])).toBeUndefined()
  })

  it("converts with the app's models and strip worker when no --models-dir is given", async () => {
    // Big enough for the strip threads; their entry records that it was the one started.
    const photo = await writePhoto(join(root, 'photo.jpg'), 1600, 1200)
    const loaded = join(root, 'worker-loaded')
    const worker = join(root, 'recording-worker.mjs')
    writeFileSync(
      worker,
      `import { writeFileSync } from 'node:fs'\nwriteFileSync(${JSON.stringify(loaded)}, 'yes')\nawait import(${JSON.stringify(pathToFileURL(STRIP_WORKER).href)})\n`
    )
    const out = capture()
    const code = await runInstalledCli(
      ['convert', photo, '-o', join(root, 'out'), '--format', 'png', '--model', 'unclip-fixture', '--json'],
      { modelsDir: FIXTURE_MODELS, stripWorker: worker },
      out.io
    )
    expect(code, out.text()).toBe(0)
    expect(out.text()).toContain('"type":"summary"')
    expect(await listFiles(join(root, 'out'))).toEqual(['photo.png'])
    expect(readFileSync(loaded, 'utf8')).toBe('yes')
  })
})

describe.skipIf(process.platform === 'win32')('the launcher in resources/bin', () => {
  it("runs the app's executable two folders up with --cli and every argument", () => {
    const app = join(root, 'Unclip')
    mkdirSync(join(app, 'resources', 'bin'), { recursive: true })
    const launcher = join(app, 'resources', 'bin', 'unclip')
    copyFileSync(LAUNCHER, launcher)
    chmodSync(launcher, 0o755)
    const record = join(root, 'args.txt')
    // A stand-in for the Linux app's executable: it records what it was started with.
    writeFileSync(join(app, 'unclip'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\n`, { mode: 0o755 })
    execFileSync(launcher, ['convert', "it's a photo.jpg", '--json'])
    expect(readFileSync(record, 'utf8')).toBe("--cli\nconvert\nit's a photo.jpg\n--json\n")
  })

  it('says where it looked when the app is not there', () => {
    const lonely = join(root, 'lonely')
    mkdirSync(lonely)
    copyFileSync(LAUNCHER, join(lonely, 'unclip'))
    chmodSync(join(lonely, 'unclip'), 0o755)
    expect(() => execFileSync(join(lonely, 'unclip'), [], { stdio: 'pipe' })).toThrow(/cannot find the Unclip app/)
  })
})
