/**
 * The Lightroom Classic plug-in (integrations/lightroom/Unclip.lrplugin): every file compiles with Lua 5.1,
 * and its pure parts (command line and quoting, the CLI's JSON, result names) run under plain Lua 5.1 against
 * the real CLI through the real shell (integrations/lightroom/tests/core_test.lua). Lightroom itself cannot run
 * here; the SDK-facing files are compiled, not executed.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { imagePipeline } from '../helpers/images'
import { hasTool } from '../helpers/tools'
import { BIN, FIXTURE_FLAGS } from '../cli/run-cli'

const PLUGIN = fileURLToPath(new URL('../../integrations/lightroom/Unclip.lrplugin', import.meta.url))
const CORE_TEST = fileURLToPath(new URL('../../integrations/lightroom/tests/core_test.lua', import.meta.url))
const haveLua = hasTool('lua5.1', ['-v']) && hasTool('luac5.1', ['-v'])

describe.skipIf(!haveLua)('Lightroom plug-in (needs lua5.1 and luac5.1; .ci/run installs them)', () => {
  const work = mkdtempSync(join(tmpdir(), 'unclip-lr-'))
  afterAll(() => rmSync(work, { recursive: true, force: true }))

  it('compiles every Lua file with luac5.1', () => {
    const files = readdirSync(PLUGIN).filter((name) => name.endsWith('.lua'))
    expect(files).toEqual(
      expect.arrayContaining(['Info.lua', 'UnclipCore.lua', 'ExportFilterProvider.lua', 'LibraryMenu.lua'])
    )
    for (const name of files) execFileSync('luac5.1', ['-p', join(PLUGIN, name)])
  })

  it('builds, quotes, runs and reads the real CLI from plain Lua', async () => {
    await imagePipeline(64, 48, (x, y) => (x > 0.6 && y < 0.4 ? [1, 1, 1] : [0.2 + 0.5 * x, 0.3, 0.4 * y]))
      .jpeg({ quality: 90 })
      .toFile(join(work, `it's a "quoted" photo $HOME.jpg`))
    writeFileSync(join(work, 'not a photo.jpg'), 'this is text, not a JPEG')
    const run = spawnSync('lua5.1', [CORE_TEST, PLUGIN, work, process.execPath, BIN, '--', ...FIXTURE_FLAGS], {
      encoding: 'utf8'
    })
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/\d+ checks passed/)
  })
})
