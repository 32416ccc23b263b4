/**
 * Steps that check the editor the way a photographer reads it: "before" and "after" compared like
 * with like, 100 % meaning the photo's own pixels, the file matching the screen.
 */
import { existsSync } from 'node:fs'
import { basename, extname, join } from 'node:path'
import type { Page } from 'playwright-core'
import sharp from 'sharp'
import { expect } from 'vitest'
import { BLEND_RAMP_START } from '../../src-main/engine/domain/clip'
import type { AppDriver } from './driver'
import { decodePng, imagePixel, readPreviewPixels, type CanvasPixels } from './pixels'

/** The photo's own 8-bit samples, as the engine decodes them (sharp, orientation applied). */
export async function photoSamples(path: string): Promise<{ width: number; height: number; rgb: Buffer }> {
  const { data, info } = await sharp(path).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true })
  return { width: info.width, height: info.height, rgb: data }
}

/** Moves the divider to `percent` (0: all "after", 100: all "before") and reads the preview. */
export async function readSide(page: Page, percent: 0 | 100): Promise<CanvasPixels> {
  const slider = page.getByRole('slider', { name: 'Before/after divider' })
  await slider.focus()
  await page.keyboard.press(percent === 0 ? 'Home' : 'End')
  await expect.poll(() => slider.getAttribute('aria-valuenow')).toBe(String(percent))
  return readPreviewPixels(page)
}

/**
 * Largest difference between the two sides over the pixels the model kept (every input channel
 * below the blend's ramp), and how many such pixels there are; the view must be at scale 1.
 */
export function keptPixelDifference(
  before: CanvasPixels,
  after: CanvasPixels,
  photo: { width: number; height: number; rgb: Buffer }
): { worst: number; pixels: number } {
  const ramp = BLEND_RAMP_START * 255
  let worst = 0
  let pixels = 0
  for (let y = 0; y < photo.height; y++) {
    for (let x = 0; x < photo.width; x++) {
      const i = (y * photo.width + x) * 3
      if (Math.max(photo.rgb[i], photo.rgb[i + 1], photo.rgb[i + 2]) >= ramp) continue
      const b = imagePixel(before, x, y)
      const a = imagePixel(after, x, y)
      for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(a[c] - b[c]))
      pixels++
    }
  }
  return { worst, pixels }
}

/**
 * "Before" goes through the same exposure and tone mapping as "after": at several exposures the two
 * sides agree to 1/255 wherever the model kept the input, and the exposure moves both.
 */
export async function beforeMatchesAfter(app: AppDriver, photoPath: string): Promise<void> {
  const { page } = app
  const photo = await photoSamples(photoPath)
  const ev = page.locator('#tone-ev')
  let previousBefore: CanvasPixels | null = null
  for (const exposure of ['0', '1.5', '-1']) {
    await ev.fill(exposure)
    await expect.poll(() => ev.inputValue()).toBe(exposure)
    const before = await readSide(page, 100)
    const after = await readSide(page, 0)
    expect(before.view.scale).toBe(1)
    const { worst, pixels } = keptPixelDifference(before, after, photo)
    expect(pixels).toBeGreaterThan(photo.width * photo.height * 0.5)
    expect(worst).toBeLessThanOrEqual(1)
    // The exposure slider acts on "before" too (it used to show the input untouched).
    if (previousBefore)
      expect(imagePixel(before, 10, photo.height - 10)).not.toEqual(imagePixel(previousBefore, 10, photo.height - 10))
    previousBefore = before
  }
  await ev.fill('0')
}

/**
 * "100 %" is the photo's own pixels: for a photo past the preview's cap the view at 100 % shows
 * tiles fetched at full resolution, equal within 1/255 to the full-resolution PNG export, and the
 * same after panning to another part of the photo.
 */
export async function fullResolutionAt100(app: AppDriver, photoPath: string, exportDir: string): Promise<void> {
  const { page } = app
  const canvas = page.locator('canvas[data-view]')
  await page.getByRole('button', { name: 'Convert to HDR' }).click()
  await page.locator('canvas[data-phase="converted"]').waitFor({ timeout: 60_000 })
  await page.getByRole('button', { name: '100%' }).click()
  await expect.poll(() => canvas.getAttribute('data-detail'), { timeout: 30_000 }).not.toBe('none')
  const shown = await readSide(page, 0)
  expect(shown.view.scale).toBe(1)

  await page.getByRole('button', { name: 'Export image' }).click()
  const png = join(exportDir, `${basename(photoPath, extname(photoPath))}.png`)
  await expect.poll(() => existsSync(png), { timeout: 60_000 }).toBe(true)
  const exported = await decodePng(png)
  const photo = await photoSamples(photoPath)
  expect([exported.width, exported.height]).toEqual([photo.width, photo.height])
  expect(visibleDifference(shown, exported)).toBeLessThanOrEqual(1)

  // Pan towards the top-left corner: other tiles, fetched and shown at full resolution too. (The
  // drag starts clear of the divider's handle, which sits at the left edge.)
  const box = await canvas.boundingBox()
  if (!box) throw new Error('The preview is not laid out')
  const detailBefore = await canvas.getAttribute('data-detail')
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width * 0.3 + 600, box.y + box.height * 0.3 + 400, { steps: 4 })
  await page.mouse.up()
  await expect.poll(() => canvas.getAttribute('data-detail'), { timeout: 30_000 }).not.toBe(detailBefore)
  await expect.poll(async () => visibleDifference(await readPreviewPixels(page), exported)).toBeLessThanOrEqual(1)
}

/** Largest channel difference between a scale-1 view and an image, over the image pixels in view. */
function visibleDifference(view: CanvasPixels, image: { width: number; height: number; rgb: Uint8Array }): number {
  let worst = 0
  let seen = 0
  for (let cy = 0; cy < view.height; cy++) {
    for (let cx = 0; cx < view.width; cx++) {
      const x = cx - view.view.offsetX
      const y = cy - view.view.offsetY
      if (x < 0 || y < 0 || x >= image.width || y >= image.height) continue
      const i = (y * image.width + x) * 3
      const j = (cy * view.width + cx) * 4
      for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(view.rgba[j + c] - image.rgb[i + c]))
      seen++
    }
  }
  if (seen < view.width * view.height * 0.5) throw new Error(`Only ${seen} photo pixels in view`)
  return worst
}

/** Starts recording progress stages in the page, and clicks Cancel at the first `cancelAt` stage. */
async function recordStages(page: Page, cancelAt?: string): Promise<void> {
  await page.evaluate((stage) => {
    const g = globalThis as unknown as {
      unclip: { onProgress(l: (p: { event: { stage: string } }) => void): () => void }
      document: { querySelector(s: string): { click(): void } | null }
      __stages: { stage: string; afterCancel: boolean }[]
      __off?: () => void
    }
    g.__off?.()
    g.__stages = []
    let cancelled = false
    g.__off = g.unclip.onProgress(({ event }) => {
      g.__stages.push({ stage: event.stage, afterCancel: cancelled })
      if (stage && event.stage === stage && !cancelled) {
        cancelled = true
        const buttons = Array.from(
          (
            g.document as unknown as { querySelectorAll(s: string): ArrayLike<{ textContent: string; click(): void }> }
          ).querySelectorAll('[role="toolbar"] button')
        )
        buttons.find((b) => b.textContent.trim() === 'Cancel')?.click()
      }
    })
  }, cancelAt ?? null)
}

async function recordedStages(page: Page): Promise<{ stage: string; afterCancel: boolean }[]> {
  return page.evaluate(
    () => (globalThis as unknown as { __stages: { stage: string; afterCancel: boolean }[] }).__stages
  )
}

/**
 * Low light in chunks: Cancel during its processing stops at the next chunk and leaves no result;
 * the brightness control re-processes a shown result without running the model again; a cancelled
 * re-run keeps the result that was on screen.
 */
export async function lowLightStagesAndControls(
  app: AppDriver,
  dark: string,
  drop: (path: string) => Promise<void>
): Promise<void> {
  const { page } = app
  const canvas = page.locator('canvas[data-view]')
  const exportButton = page.getByRole('button', { name: 'Export image' })
  await drop(dark)
  await page.getByRole('switch', { name: 'Low-light mode' }).check()
  // Cancel as soon as the run reports: whether it lands in the model or between low light's chunks
  // (the host-level test pins the chunk), nothing is shown and nothing can be exported.
  await recordStages(page, 'inference')
  await page.getByRole('button', { name: 'Brighten' }).click()
  await page.getByRole('button', { name: 'Brighten' }).waitFor({ timeout: 60_000 })
  expect(await canvas.getAttribute('data-phase')).toBe('open')
  expect((await recordedStages(page)).map((s) => s.stage)).not.toContain('done')
  expect(await exportButton.isDisabled()).toBe(true)
  expect(await page.getByRole('slider', { name: 'Before/after divider' }).count()).toBe(0)

  await recordStages(page)
  await page.getByRole('button', { name: 'Brighten' }).click()
  await page.locator('canvas[data-phase="converted"]').waitFor({ timeout: 60_000 })
  // The progress named low light's own stages.
  const named = (await recordedStages(page)).map((s) => s.stage)
  // (The model ran in the cancelled attempt or runs now; its output is kept either way.)
  for (const stage of ['denoise', 'tone', 'done']) expect(named).toContain(stage)
  expect(named.indexOf('tone')).toBeGreaterThan(named.lastIndexOf('inference'))
  const first = await readSide(page, 0)

  await recordStages(page)
  await page.locator('#lowlight-brightness').fill('1')
  await expect
    .poll(async () => (await recordedStages(page)).map((s) => s.stage).at(-1), { timeout: 60_000 })
    .toBe('done')
  await page.locator('canvas[data-phase="converted"]').waitFor({ timeout: 60_000 })
  expect((await recordedStages(page)).map((s) => s.stage)).not.toContain('inference')
  const brighter = await readPreviewPixels(page)
  const mean = (p: CanvasPixels): number => p.rgba.reduce((sum, v, i) => (i % 4 === 3 ? sum : sum + v), 0)
  expect(mean(brighter)).toBeGreaterThan(mean(first) * 1.2)

  // A re-run cancelled keeps the result that was on screen.
  await recordStages(page, 'denoise')
  await page.locator('#lowlight-denoise').fill('0.5')
  await expect.poll(async () => (await recordedStages(page)).length > 0, { timeout: 60_000 }).toBe(true)
  await page.locator('canvas[data-phase="converted"]').waitFor({ timeout: 60_000 })
  expect(await exportButton.isEnabled()).toBe(true)
  await page.getByRole('switch', { name: 'Low-light mode' }).uncheck()
}

/**
 * On a display that reports no HDR (headless Chromium's), the preview stays on the SDR rendering and
 * the HDR view is offered disabled with the reason; the media query the detection reads says so.
 */
export async function sdrFallback(app: AppDriver): Promise<void> {
  const { page } = app
  const reportsHdr = await page.evaluate(
    () =>
      (globalThis as unknown as { matchMedia(q: string): { matches: boolean } }).matchMedia('(dynamic-range: high)')
        .matches
  )
  expect(reportsHdr).toBe(false)
  expect(await page.locator('canvas[data-view]').getAttribute('data-output')).toBe('sdr')
  const toggle = page.getByRole('checkbox', { name: 'HDR view' })
  expect(await toggle.isDisabled()).toBe(true)
  expect(await page.locator('label', { has: toggle }).getAttribute('title')).toBe(
    'This display does not report HDR; the SDR rendering is shown.'
  )
}
