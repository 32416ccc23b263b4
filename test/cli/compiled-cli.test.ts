/**
 * Finding 1 of issue 15: the CLI used to compile its TypeScript with tsx at every run, caching the
 * result in a shared, guessable folder under $TMPDIR that another local user could plant code in.
 * It now runs JavaScript compiled ahead of time (scripts/build-cli.mjs → out/cli/).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawn } from 'node:child_process'
import { afterAll, describe, expect, it } from 'vitest'
import { createStripPool } from '../../src-main/engine/parallel/strip-pool'
import { writePhoto } from './photos'
import { BIN, FIXTURE_FLAGS, finished } from './run-cli'

const OUT = fileURLToPath(new URL('../../out/cli/', import.meta.url))
const dirs: string[] = []
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })))
})

describe('the compiled CLI', () => {
  it('loads no TypeScript compiler at run time and ships none as a dependency', async () => {
    expect(await readFile(BIN, 'utf8')).not.toMatch(/tsx|esbuild/)
    for (const file of await readdir(OUT)) {
      expect(await readFile(join(OUT, file), 'utf8'), file).not.toMatch(/from ["']tsx|from ["']esbuild|import\(["']tsx/)
    }
    const manifest = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>
      scripts: Record<string, string>
    }
    expect(Object.keys(manifest.dependencies)).not.toContain('tsx')
    expect(Object.keys(manifest.dependencies)).not.toContain('esbuild')
    expect(manifest.scripts.prepare).toBe('node scripts/build-cli.mjs')
  })

  it('caches no code under $TMPDIR, so none planted there can run', async () => {
    const temp = await mkdtemp(join(tmpdir(), 'unclip-tmpdir-'))
    const work = await mkdtemp(join(tmpdir(), 'unclip-work-'))
    dirs.push(temp, work)
    await writePhoto(join(work, 'a.jpg'))
    const child = spawn(process.execPath, [BIN, 'convert', 'a.jpg', '--format', 'hdr', ...FIXTURE_FLAGS], {
      cwd: work,
      env: { ...process.env, TMPDIR: temp, TMP: temp, TEMP: temp }
    })
    child.stdout.setEncoding('utf8')
    child.stderr.setEncoding('utf8')
    const run = await finished(child)
    expect([run.code, run.stderr.includes('Converted 1 of 1')]).toEqual([0, true])
    // Native libraries leave logs and caches of their own there (onnxruntime's mat-debug-<pid>.log);
    // what matters is that no JavaScript is cached or loaded from it.
    const entries = await readdir(temp, { recursive: true })
    expect(entries.filter((name) => /(^|\/)tsx|\.[cm]?[jt]s$/.test(name))).toEqual([])
  })

  it("starts the compiled strip worker threads beside the engine's chunk", async () => {
    const files = await readdir(OUT)
    expect(files).toContain('strip-worker.js')
    const engineChunk = (
      await Promise.all(files.map(async (file) => ({ file, text: await readFile(join(OUT, file), 'utf8') })))
    ).find(({ text }) => text.includes('"strip-worker.js"'))
    expect(engineChunk?.file).toMatch(/^chunk-[A-Z0-9]+\.js$/)
    const pool = createStripPool(join(OUT, 'strip-worker.js'), 2)
    try {
      await pool.ready
      expect(pool.size).toBe(2)
    } finally {
      await pool.dispose()
    }
  })
})
