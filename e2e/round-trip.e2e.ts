/**
 * The photo editor's round trip ("Edit In") end to end: the built renderer in Chromium, launched with
 * files as Lightroom Classic launches an external editor, against the shell's real IPC handlers and the
 * real engine. The files written back are read by independent tools: exiftool for tags and profile,
 * OpenCV for pixels, compared with the CLI's own export of the same photo.
 */
import { execFileSync } from 'node:child_process'
import { copyFile, mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pythonSkipReason, runPython } from '../test/helpers/python'
import { proPhotoSkipReason, writeProPhotoTiff } from '../test/helpers/prophoto'
import { FIXTURE_FLAGS, runCli } from '../test/cli/run-cli'
import { writePhoto } from '../test/cli/photos'
import { autoWhitePoint, DEFAULT_TONEMAP } from '../src-main/engine/imaging/tonemap'
import { launchBrowserApp } from './support/browser-app'
import { buildRenderer, bundlePageBridge } from './support/build-renderer'
import { findChromium } from './support/chromium'

const ROOT = resolve(import.meta.dirname, '..')
const CHROMIUM = findChromium()
const STEP_TIMEOUT = 90_000
const skip = !CHROMIUM
  ? 'no Chromium found: set CHROMIUM_PATH'
  : (proPhotoSkipReason() ?? pythonSkipReason(['cv2', 'numpy']))

type App = Awaited<ReturnType<typeof launchBrowserApp>>

describe.skipIf(skip)(
  `Edit In from a photo editor, in Chromium against the real engine${skip ? ` (${skip})` : ''}`,
  () => {
    let dir: string
    let rendererDir: string
    let bridgeScript: string
    const open: App[] = []

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'unclip-e2e-round-trip-'))
      rendererDir = resolve(ROOT, 'e2e/.artifacts/renderer-round-trip')
      ;[bridgeScript] = await Promise.all([bundlePageBridge(), buildRenderer(rendererDir)])
    }, 180_000)

    afterAll(async () => {
      for (const app of open) await app.close()
      await rm(dir, { recursive: true, force: true })
    })

    /** The app as an editor starts it: with `files` on its command line, in a fresh settings folder. */
    async function launchWith(name: string, files: string[]): Promise<App> {
      const app = await launchBrowserApp({
        rendererDir,
        bridgeScript,
        modelsDir: resolve(ROOT, 'test/fixtures/models'),
        model: 'unclip-fixture',
        settingsPath: join(dir, `${name}-settings.json`),
        chromiumPath: CHROMIUM,
        launchFiles: files
      })
      open.push(app)
      return app
    }

    async function exiftool(file: string): Promise<Record<string, unknown>> {
      const [info] = JSON.parse(execFileSync('exiftool', ['-j', '-G1', '-n', file]).toString()) as Record<
        string,
        unknown
      >[]
      return info!
    }

    /** The CLI's own export of an untouched copy, with the app's default settings. */
    async function cliExport(copy: string, format: 'tif16' | 'tif32'): Promise<string> {
      const run = await runCli(['convert', copy, '--format', format, '-o', 'cli', ...FIXTURE_FLAGS], dir)
      expect(run.code, run.stderr).toBe(0)
      return join(dir, 'cli', format === 'tif16' ? 'copy.tif' : 'copy-hdr.tif')
    }

    /**
     * The engine's own tone-mapped TIFF export of an untouched copy with the settings the screen uses
     * (the default rendering, its white point from the result's peak), through the app's Export path.
     */
    async function engineExport(app: App, copy: string): Promise<string> {
      const converted = await app.host.convertImage('reference', { path: copy, mode: 'hdr' }, () => undefined)
      const tonemap = { ...DEFAULT_TONEMAP, whitePoint: autoWhitePoint(converted.peak, DEFAULT_TONEMAP.exposureEv) }
      const outDir = join(dir, 'engine')
      const { outputs } = await app.host.exportImage({
        path: copy,
        formats: ['tif16'],
        tonemap,
        mode: 'hdr',
        outDir,
        overwrite: true
      })
      return outputs[0]!
    }

    /** Largest difference between two TIFFs' pixels: 16-bit in 1/255 steps, float relative. */
    function difference(a: string, b: string): { shape: number[]; max: number } {
      return JSON.parse(
        runPython(
          `import sys, json, cv2, numpy as np
a, b = (cv2.imread(f, cv2.IMREAD_UNCHANGED) for f in sys.argv[1:3])
if a.dtype == np.uint16: d = np.abs(a.astype(float) - b.astype(float)) / 257
else: d = np.abs(a - b) / np.maximum(np.abs(b), 1e-2)
print(json.dumps(dict(shape=list(a.shape), max=float(d.max()))))`,
          { args: [a, b] }
        )
      ) as { shape: number[]; max: number }
    }

    it(
      'opens the handed files in the editor; Save and Return rewrites the ProPhoto TIFF and puts a JPEG result beside it',
      async () => {
        const tiff = join(dir, 'edit.tif')
        await writeProPhotoTiff(tiff, 96, 64)
        await copyFile(tiff, join(dir, 'copy.tif'))
        const jpeg = await writePhoto(join(dir, 'camera.jpg'), 64, 48)
        const jpegBytes = await readFile(jpeg)
        const before = await exiftool(tiff)

        const app = await launchWith('save', [tiff, jpeg])
        const banner = app.page.getByTestId('round-trip')
        await expect.poll(() => banner.textContent(), { timeout: STEP_TIMEOUT }).toContain('replaces edit.tif')
        expect(await banner.textContent()).toContain('writes camera-unclip.tif beside camera.jpg, which is kept')
        // Straight into the editor on the first file, not the folder browser.
        await expect
          .poll(() => app.page.locator('canvas[aria-label^="Preview of"]').getAttribute('aria-label'))
          .toContain(tiff)
        expect(await app.page.getByRole('list', { name: 'Folder' }).count()).toBe(0)

        await app.page.getByRole('button', { name: 'Save and Return' }).click()
        await expect.poll(() => app.quitRequests(), { timeout: STEP_TIMEOUT }).toBe(1)
        expect(app.consoleErrors()).toEqual([])

        const after = await exiftool(tiff)
        for (const key of ['IFD0:ImageWidth', 'IFD0:ImageHeight', 'IFD0:Make', 'IFD0:Model', 'ExifIFD:FNumber'])
          expect(after[key], key).toEqual(before[key])
        expect(after['IFD0:BitsPerSample']).toBe('16 16 16')
        expect(after['ICC_Profile:ProfileDescription']).toBe(before['ICC_Profile:ProfileDescription'])
        expect(String(after['ICC_Profile:ProfileDescription'])).toMatch(/ROMM/)
        const diff = difference(tiff, await engineExport(app, join(dir, 'copy.tif')))
        expect(diff.shape).toEqual([64, 96, 3])
        expect(diff.max).toBeLessThanOrEqual(1)

        expect(await readFile(jpeg)).toEqual(jpegBytes)
        expect(await exiftool(join(dir, 'camera-unclip.tif'))).toMatchObject({ 'IFD0:BitsPerSample': '16 16 16' })
      },
      STEP_TIMEOUT * 2
    )

    it(
      'returns HDR as a 32-bit float TIFF equal to the engine’s own float export',
      async () => {
        const tiff = join(dir, 'hdr.tif')
        await writeProPhotoTiff(tiff, 96, 64)
        await rm(join(dir, 'cli'), { recursive: true, force: true })
        await copyFile(tiff, join(dir, 'copy.tif'))
        const app = await launchWith('hdr', [tiff])
        const returnHdr = app.page.getByRole('checkbox', { name: 'Return HDR (32-bit float)' })
        await returnHdr.check({ timeout: STEP_TIMEOUT })
        await app.page.getByRole('button', { name: 'Save and Return' }).click()
        await expect.poll(() => app.quitRequests(), { timeout: STEP_TIMEOUT }).toBe(1)
        const info = await exiftool(tiff)
        expect(info).toMatchObject({
          'IFD0:BitsPerSample': '32 32 32',
          'IFD0:SampleFormat': 3,
          'IFD0:Make': 'Host'
        })
        expect(String(info['ICC_Profile:ProfileDescription'])).toMatch(/ROMM.*linear \(Unclip\)/)
        const diff = difference(tiff, await cliExport(join(dir, 'copy.tif'), 'tif32'))
        expect(diff.max).toBeLessThan(1e-3) // half-float precision
      },
      STEP_TIMEOUT * 2
    )

    it(
      'Cancel leaves the handed file byte-identical and nothing beside it',
      async () => {
        const folder = await mkdtemp(join(dir, 'cancel-'))
        const tiff = join(folder, 'keep.tif')
        await writeProPhotoTiff(tiff)
        const bytes = await readFile(tiff)
        const app = await launchWith('cancel', [tiff])
        const cancel = app.page.getByTestId('round-trip').getByRole('button', { name: 'Cancel' })
        await cancel.click({ timeout: STEP_TIMEOUT })
        await expect.poll(() => app.quitRequests(), { timeout: STEP_TIMEOUT }).toBe(1)
        expect(await readFile(tiff)).toEqual(bytes)
        expect(await readdir(folder)).toEqual(['keep.tif'])
      },
      STEP_TIMEOUT
    )
  }
)
