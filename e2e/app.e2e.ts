/**
 * End to end: the built renderer in real Chromium (headless, WebGL2 via SwiftShader) against the
 * shell's real IPC handlers and the real in-process engine with the fixture model; then, where
 * the Electron binary exists, the same walk in the real app.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowserApp } from './support/browser-app'
import { buildRenderer, bundlePageBridge } from './support/build-renderer'
import { findChromium } from './support/chromium'
import { electronBinary, launchElectronApp } from './support/electron-app'
import { createLargePhoto, createNightPhoto, createPhotoFolder } from './support/photos'
import { decodePng, meanLevel, previewDifference, readPreviewPixels } from './support/pixels'
import { dropPhoto } from './support/drop'
import * as outcomes from './support/outcomes'
import * as photographer from './support/photographer'
import * as settings from './support/settings-steps'
import * as walk from './support/walk'

const ROOT = resolve(import.meta.dirname, '..')
const MODELS_DIR = resolve(ROOT, 'test/fixtures/models')
const MODEL = 'unclip-fixture'
/** Committed screenshots are refreshed only on request, so a test run leaves the tree clean. */
const SCREENSHOTS = resolve(
  import.meta.dirname,
  process.env['UPDATE_SCREENSHOTS'] ? 'screenshots' : '.artifacts/screenshots'
)
const CHROMIUM = findChromium()

/** Eight photos make a batch long enough to cancel part-way on a slow machine. */
const PHOTO_COUNT = 8
const STEP_TIMEOUT = 60_000

async function workspace(name: string): Promise<walk.WalkOptions & { dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), `unclip-e2e-${name}-`))
  const exportDir = join(dir, 'export')
  const batchDir = join(dir, 'batch')
  await mkdir(exportDir)
  await mkdir(batchDir)
  return { dir, exportDir, batchDir, photos: await createPhotoFolder(join(dir, 'photos'), PHOTO_COUNT) }
}

async function saveScreenshot(name: string, page: Page): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) })
}

describe.skipIf(!CHROMIUM)(
  'renderer in Chromium against the real engine (skipped when no Chromium is found: set CHROMIUM_PATH)',
  () => {
    let app: Awaited<ReturnType<typeof launchBrowserApp>>
    let options: walk.WalkOptions & { dir: string }

    beforeAll(async () => {
      const rendererDir = resolve(ROOT, 'e2e/.artifacts/renderer')
      const [bridgeScript, ws] = await Promise.all([
        bundlePageBridge(),
        workspace('chromium'),
        buildRenderer(rendererDir)
      ])
      options = { ...ws, screenshots: saveScreenshot }
      await mkdir(SCREENSHOTS, { recursive: true })
      app = await launchBrowserApp({
        rendererDir,
        bridgeScript,
        modelsDir: MODELS_DIR,
        model: MODEL,
        settingsPath: join(ws.dir, 'settings.json'),
        chromiumPath: CHROMIUM
      })
    }, 180_000)

    afterAll(async () => {
      await app?.close()
      if (options) await rm(options.dir, { recursive: true, force: true })
    })

    it('shows the model and provider in the status bar', async () => {
      await expect
        .poll(() => app.page.getByTestId('model-name').textContent(), { timeout: STEP_TIMEOUT })
        .toContain(MODEL)
      expect(await app.page.getByTestId('provider').textContent()).toMatch(/Running on (CPU|GPU)/)
      const lowLight = app.page.getByRole('switch', { name: 'Low-light mode' })
      // The switch waits for the engine info, which lists low light beside HDR.
      await expect.poll(() => lowLight.isEnabled()).toBe(true)
      expect(await lowLight.isChecked()).toBe(false)
      expect(await app.page.locator('#lowlight-note').textContent()).toBe(
        'Brightens and denoises dark photos; exposure and tone curve are automatic'
      )
    })

    it('opens a folder and shows a thumbnail for each photo', () => walk.openFolder(app, options), STEP_TIMEOUT)
    it('converts one photo and shows it at 100%', () => walk.convertOne(app, options), STEP_TIMEOUT)
    it('moves the before/after divider and the two sides differ', () => walk.compareSides(app, options), STEP_TIMEOUT)
    it('zooms with the wheel, pans by dragging, and returns to Fit and 100%', () => walk.zoomAndPan(app), STEP_TIMEOUT)
    it("marks the input's clipped pixels on request", () => walk.markClipped(app), STEP_TIMEOUT)
    it('stays on the SDR rendering where the display reports no HDR', () => photographer.sdrFallback(app), STEP_TIMEOUT)
    it(
      'shows "before" through the same exposure and tone mapping, equal to "after" where the model kept the input',
      () => photographer.beforeMatchesAfter(app, options.photos.photos[0]),
      STEP_TIMEOUT
    )

    it('follows menu commands from the shell', async () => {
      const slider = app.page.getByRole('slider', { name: 'Before/after divider' })
      const before = await slider.getAttribute('aria-valuenow')
      await app.emit('menu:command', { command: 'toggleBeforeAfter' })
      await expect.poll(() => slider.getAttribute('aria-valuenow')).not.toBe(before)
      await app.emit('menu:command', { command: 'toggleBeforeAfter' })
      await expect.poll(() => slider.getAttribute('aria-valuenow')).toBe(before)
      await app.emit('menu:command', { command: 'zoomFit' })
      await expect.poll(() => app.page.getByRole('button', { name: 'Fit' }).getAttribute('aria-pressed')).toBe('true')
      await app.emit('menu:command', { command: 'zoomActual' })
      await expect.poll(() => app.page.getByRole('button', { name: '100%' }).getAttribute('aria-pressed')).toBe('true')
    })

    it('changes the preview with the exposure slider, in the page only', () => walk.changeExposure(app), STEP_TIMEOUT)
    it(
      'exports .hdr and PNG that decode, and the PNG matches the preview within 1/255',
      () => walk.exportAndCompare(app, options),
      STEP_TIMEOUT
    )
    it(
      'exporting again says the files exist where the eye is, and Keep both writes -2 files',
      () => outcomes.exportAgainKeepsBoth(app, options.exportDir, 'photo-01'),
      STEP_TIMEOUT
    )
    it(
      'batches the folder, cancels part-way and lists the corrupt file',
      async () => {
        await walk.batchAndCancel(app, options)
        await outcomes.batchOutcomeInView(app)
      },
      STEP_TIMEOUT
    )
    it(
      "writes each batch PNG as Export wrote it for that photo (the photo's own white point)",
      () => settings.batchMatchesExport(options.exportDir, options.batchDir),
      STEP_TIMEOUT
    )
    it(
      'reopens a photo the batch converted with its result, without converting again, and shows it in the thumbnail',
      () => outcomes.reopenBatchResult(app, options.photos.photos),
      STEP_TIMEOUT
    )
    it(
      'lists sub-folders on request and converts only the ticked photos',
      () => outcomes.subfoldersAndSelection(app, options.photos.folder, options.photos.photos),
      STEP_TIMEOUT
    )

    it("opens a photo dropped on the window, without the last photo's export outcome", async () => {
      await dropPhoto(app.page, options.photos.photos[2])
      expect(await app.page.getByRole('list', { name: 'Exported files' }).count()).toBe(0)
    })

    it(
      'brightens a dark photo in low-light mode and exports the PNG it previews',
      async () => {
        const { page } = app
        const night = join(options.dir, 'night.jpg')
        await createNightPhoto(night)
        await dropPhoto(page, night)
        await page.getByRole('switch', { name: 'Low-light mode' }).check()
        // The engine exposes and tone-maps low-light results itself, so the tone sliders stand down.
        await expect.poll(() => page.locator('#tone-ev').isDisabled()).toBe(true)
        await page.getByRole('button', { name: 'Brighten' }).click()
        await page.locator('canvas[data-phase="converted"]').waitFor({ timeout: STEP_TIMEOUT })
        const canvas = page.locator('canvas[data-view]')
        const slider = page.getByRole('slider', { name: 'Before/after divider' })
        // The previous photo left the divider at 100 %: a new photo starts in the middle.
        expect(await slider.getAttribute('aria-valuenow')).toBe('50')
        await slider.focus()
        await page.keyboard.press('End')
        await expect.poll(() => slider.getAttribute('aria-valuenow')).toBe('100')
        const before = await decodePng(await canvas.screenshot())
        await page.keyboard.press('Home')
        await expect.poll(() => slider.getAttribute('aria-valuenow')).toBe('0')
        const after = await decodePng(await canvas.screenshot())
        // Both shots share the background around the photo, so the photo alone makes the difference.
        expect(meanLevel(after.rgb)).toBeGreaterThan(meanLevel(before.rgb) + 10)

        // The exposure slider moved earlier in the walk; low light's preview and PNG both ignore it.
        await page.getByRole('button', { name: '100%' }).click()
        await app.answerDialog('chooseOutputFolder', options.exportDir)
        await page.getByRole('button', { name: 'Output folder…' }).click()
        await expect.poll(() => page.getByText(options.exportDir).count()).toBe(1)
        await page.getByRole('button', { name: 'Export image' }).click()
        const exported = join(options.exportDir, 'night.png')
        await expect.poll(() => existsSync(exported), { timeout: STEP_TIMEOUT }).toBe(true)
        const png = await decodePng(exported)
        expect(meanLevel(png.rgb)).toBeGreaterThan(2 * (await decodePng(night).then(({ rgb }) => meanLevel(rgb))))
        expect(previewDifference(await readPreviewPixels(page), png)).toBeLessThanOrEqual(1)
      },
      STEP_TIMEOUT
    )

    it(
      'drops the low-light result when low light is switched off, so Export writes what the screen shows',
      async () => {
        const { page } = app
        const brightened = await decodePng(join(options.exportDir, 'night.png'))
        await page.getByRole('switch', { name: 'Low-light mode' }).uncheck()
        // The brightened picture leaves the screen; Export has nothing to write until HDR converts.
        await page.locator('canvas[data-phase="open"]').waitFor({ timeout: STEP_TIMEOUT })
        await expect.poll(() => page.getByRole('button', { name: 'Export image' }).isDisabled()).toBe(true)
        await expect.poll(() => page.locator('#tone-ev').isDisabled()).toBe(false)
        await page.getByRole('button', { name: 'Convert to HDR' }).click()
        await page.locator('canvas[data-phase="converted"]').waitFor({ timeout: STEP_TIMEOUT })
        await page.getByRole('checkbox', { name: 'Replace existing files' }).check()
        await page.getByRole('button', { name: 'Export image' }).click()
        const exported = join(options.exportDir, 'night.png')
        await expect
          .poll(async () => meanLevel((await decodePng(exported)).rgb), { timeout: STEP_TIMEOUT })
          .toBeLessThan(meanLevel(brightened.rgb) - 10)
        expect(previewDifference(await readPreviewPixels(page), await decodePng(exported))).toBeLessThanOrEqual(1)
      },
      STEP_TIMEOUT
    )

    it(
      'low light: Cancel leaves no result, progress names its stages, and its controls re-process the result',
      async () => {
        const dark = join(options.dir, 'dark-large.jpg')
        await createNightPhoto(dark, 2)
        await photographer.lowLightStagesAndControls(app, dark, (path) => dropPhoto(app.page, path))
      },
      3 * STEP_TIMEOUT
    )

    it(
      "shows the photo's own pixels at 100 %, equal to the full-resolution export, also after panning",
      async () => {
        const large = join(options.dir, 'large.jpg')
        await createLargePhoto(large)
        await dropPhoto(app.page, large)
        await photographer.fullResolutionAt100(app, large, options.exportDir)
      },
      // A 4-MP photo converted and exported twice over (.hdr and PNG) on a shared machine.
      3 * STEP_TIMEOUT
    )

    it.skipIf(!settings.hasExiftool())(
      "keeps a photo's GPS position in the export only when asked (exiftool reads it)",
      async () => {
        const gps = join(options.dir, 'gps.jpg')
        await settings.createGpsPhoto(options.photos.photos[1], gps)
        await settings.keepGpsWhenAsked(app, gps, options.exportDir)
      },
      STEP_TIMEOUT
    )
    it(
      'remembers Keep GPS, the JPEG quality and a manual white point after a restart',
      () => settings.choicesSurviveRestart(app, join(options.dir, 'settings.json')),
      STEP_TIMEOUT
    )
    it('logged no errors or warnings on the way (CSP, WebGL, Svelte)', () => {
      expect(app.consoleErrors()).toEqual([])
    })
  }
)

const electronPath = electronBinary()

describe('the same walk in the Electron app', () => {
  it.skipIf(electronPath === null)(
    'runs end to end (skipped: no Electron binary at node_modules/electron/path.txt, e.g. offline CI)',
    async () => {
      execFileSync(process.execPath, [resolve(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
        cwd: ROOT,
        stdio: 'inherit'
      })
      const ws = await workspace('electron')
      const app = await launchElectronApp({
        executablePath: electronPath as string,
        modelsDir: MODELS_DIR,
        model: MODEL,
        userDataDir: join(ws.dir, 'user-data')
      })
      try {
        await walk.openFolder(app, ws)
        await walk.convertOne(app, ws)
        await walk.compareSides(app, ws)
        await walk.changeExposure(app)
        await walk.exportAndCompare(app, ws)
        await walk.batchAndCancel(app, ws)
      } finally {
        await app.close()
        await rm(ws.dir, { recursive: true, force: true })
      }
    },
    240_000
  )
})
