/**
 * The user walk shared by the Chromium and Electron runs: open a folder, convert one photo,
 * compare before/after, change exposure, export and check the files, batch and cancel.
 */
import { readdir, readFile } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import { decodeRadiance } from '../../src-main/engine/codecs/radiance-decoder'
import type { AppDriver } from './driver'
import { decodePng, imagePixel, meanAbsDiff, previewDifference, readPreviewPixels } from './pixels'
import { PHOTO_HEIGHT, PHOTO_WIDTH, type PhotoFolder } from './photos'

const UI_TIMEOUT = 30_000

export interface WalkOptions {
  photos: PhotoFolder
  exportDir: string
  batchDir: string
  /** Where to save screenshots of the main views; none when omitted. */
  screenshots?: (name: string, page: Page) => Promise<void>
}

/** Opens the folder through the (scripted) dialog and waits for every thumbnail. */
export async function openFolder(app: AppDriver, o: WalkOptions): Promise<void> {
  const { page } = app
  await app.answerDialog('openFolder', o.photos.folder)
  await page.getByRole('button', { name: 'Open folder…' }).first().click()
  const cards = page.getByRole('list', { name: 'Folder' }).getByRole('listitem')
  await expect.poll(() => cards.count(), { timeout: UI_TIMEOUT }).toBe(o.photos.photos.length + 1)
  await expect.poll(() => page.locator('.card img').count(), { timeout: UI_TIMEOUT }).toBe(o.photos.photos.length)
  await expect.poll(() => page.getByText('No preview').count(), { timeout: UI_TIMEOUT }).toBe(1)
  expect(await page.locator('[data-status="new"]').count()).toBe(o.photos.photos.length + 1)
  await o.screenshots?.('folder-grid', page)
}

/** Opens the first photo, converts it, and leaves the view at 100%. */
export async function convertOne(app: AppDriver, o: WalkOptions): Promise<void> {
  const { page } = app
  await page.getByRole('button', { name: `${basename(o.photos.photos[0])}, new` }).click()
  await page.locator('canvas[data-phase="open"]').waitFor({ timeout: UI_TIMEOUT })
  await page.getByRole('button', { name: 'Convert to HDR' }).click()
  await page.locator('canvas[data-phase="converted"]').waitFor({ timeout: UI_TIMEOUT })
  await expect.poll(() => page.locator('.selected [data-status]').getAttribute('data-status')).toBe('done')
  await page.getByRole('button', { name: '100%' }).click()
  const view = await readPreviewPixels(page)
  expect(view.view.scale).toBe(1)
  expect(Number.isInteger(view.view.offsetX) && Number.isInteger(view.view.offsetY)).toBe(true)
}

/** Moves the divider by keyboard, drag and the flip key; the two sides must differ. */
export async function compareSides(app: AppDriver, o: WalkOptions): Promise<void> {
  const { page } = app
  const slider = page.getByRole('slider', { name: 'Before/after divider' })
  await expect.poll(() => slider.getAttribute('aria-valuenow')).toBe('50')

  const canvas = page.locator('canvas[data-view]')
  const box = await canvas.boundingBox()
  const handle = await slider.boundingBox()
  if (!box || !handle) throw new Error('The preview or its divider is not laid out')
  await page.mouse.move(handle.x + handle.width / 2, box.y + box.height / 2)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width * 0.25, box.y + box.height / 2, { steps: 5 })
  await page.mouse.up()
  expect(Math.abs(Number(await slider.getAttribute('aria-valuenow')) - 25)).toBeLessThanOrEqual(1)

  await slider.focus()
  await page.keyboard.press('ArrowRight')
  expect(Math.abs(Number(await slider.getAttribute('aria-valuenow')) - 26)).toBeLessThanOrEqual(1)
  // The divider now crosses the clipped sun: input on its left, recovered highlight on its right.
  await o.screenshots?.('single-image-slider', page)
  await page.keyboard.press('f')
  await expect.poll(() => slider.getAttribute('aria-valuenow')).toBe('100')
  const before = await decodePng(await canvas.screenshot())
  await page.keyboard.press('f')
  await expect.poll(() => slider.getAttribute('aria-valuenow')).toBe('0')
  const after = await decodePng(await canvas.screenshot())
  // The fixture model lifts the clipped sky and tone-maps everything: the sides differ visibly.
  expect(meanAbsDiff(before.rgb, after.rgb)).toBeGreaterThan(2)
  await page.keyboard.press('End')
  await dragHandleBackFromTheEdge(page)
  await slider.focus()
  await page.keyboard.press('End')
  await expect.poll(() => slider.getAttribute('aria-valuenow')).toBe('100')
  await page.keyboard.press('Home')
  await expect.poll(() => slider.getAttribute('aria-valuenow')).toBe('0')
}

/** Wheel zoom keeps to the pointer, dragging pans, and Fit/100% restore the view. */
export async function zoomAndPan(app: AppDriver): Promise<void> {
  const { page } = app
  const canvas = page.locator('canvas[data-view]')
  const box = await canvas.boundingBox()
  if (!box) throw new Error('The preview is not laid out')
  const view = async (): Promise<{ scale: number; offsetX: number; offsetY: number }> =>
    JSON.parse((await canvas.getAttribute('data-view')) ?? '{}')
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  await page.mouse.wheel(0, -100)
  await expect.poll(async () => (await view()).scale).toBeCloseTo(1.25)
  await page.mouse.wheel(0, -100)
  await page.mouse.wheel(0, -100)
  await expect.poll(async () => (await view()).scale).toBeCloseTo(1.25 ** 3)
  const zoomed = await view()
  await page.mouse.down()
  await page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2 + 30, { steps: 4 })
  await page.mouse.up()
  const panned = await view()
  expect(panned.offsetX - zoomed.offsetX).toBeCloseTo(40, 0)
  expect(panned.offsetY - zoomed.offsetY).toBeCloseTo(30, 0)
  await page.getByRole('button', { name: 'Fit' }).click()
  expect((await view()).scale).toBeCloseTo(Math.min(box.width / PHOTO_WIDTH, box.height / PHOTO_HEIGHT))
  await page.keyboard.press('1')
  await expect.poll(async () => (await view()).scale).toBe(1)
}

/** "Mark clipped" tints exactly the input's blown pixels, on both sides of the divider. */
export async function markClipped(app: AppDriver): Promise<void> {
  const { page } = app
  const plain = await readPreviewPixels(page)
  await page.getByLabel('Mark clipped').check()
  const marked = await readPreviewPixels(page)
  // The sun of photo 1 sits at (0.2·W, 0.4·horizon); the ground is never clipped.
  const sun = [Math.round(PHOTO_WIDTH * 0.2), Math.round(PHOTO_HEIGHT * 0.5 * 0.4)] as const
  const ground = [PHOTO_WIDTH / 2, PHOTO_HEIGHT - 20] as const
  expect(imagePixel(marked, ...sun)).not.toEqual(imagePixel(plain, ...sun))
  expect(imagePixel(marked, ...ground)).toEqual(imagePixel(plain, ...ground))
  await page.getByLabel('Mark clipped').uncheck()
}

/** The exposure slider changes the preview without a round trip. */
export async function changeExposure(app: AppDriver): Promise<void> {
  const { page } = app
  const before = await readPreviewPixels(page)
  const sentBefore = await engineCommands(page)
  await page.locator('#tone-ev').fill('1.5')
  await expect.poll(() => page.locator('output[for="tone-ev"]').textContent()).toBe('+1.5 EV')
  const after = await readPreviewPixels(page)
  // Ground pixels (lower half) are mid-tones: +1.5 EV must brighten them.
  const [r0, g0, b0] = imagePixel(before, PHOTO_WIDTH / 2, PHOTO_HEIGHT - 20)
  const [r1, g1, b1] = imagePixel(after, PHOTO_WIDTH / 2, PHOTO_HEIGHT - 20)
  expect(r1 + g1 + b1).toBeGreaterThan(r0 + g0 + b0 + 30)
  // Only the debounced settings save may follow; nothing went to the engine for the redraw.
  expect(await engineCommands(page)).toEqual(sentBefore)
}

/**
 * Exports .hdr and 8-bit PNG into a chosen folder; both decode, and the preview on screen
 * (divider fully on "after", 100%) matches the PNG within 1/255 on every pixel.
 */
export async function exportAndCompare(app: AppDriver, o: WalkOptions): Promise<void> {
  const { page } = app
  await app.answerDialog('chooseOutputFolder', o.exportDir)
  await page.getByRole('button', { name: 'Output folder…' }).click()
  await expect.poll(() => page.getByText(o.exportDir).count()).toBe(1)
  await page.getByRole('button', { name: 'Export image' }).click()
  const outputs = page.getByRole('list', { name: 'Exported files' }).getByRole('listitem')
  await expect.poll(() => outputs.count(), { timeout: UI_TIMEOUT }).toBe(2)

  const files = (await readdir(o.exportDir)).sort()
  expect(files.map((f) => extname(f))).toEqual(['.hdr', '.png'])
  const png = await decodePng(join(o.exportDir, files.find((f) => f.endsWith('.png')) ?? ''))
  expect([png.width, png.height]).toEqual([PHOTO_WIDTH, PHOTO_HEIGHT])
  const hdr = decodeRadiance(await readFile(join(o.exportDir, files.find((f) => f.endsWith('.hdr')) ?? '')))
  expect([hdr.width, hdr.height]).toEqual([PHOTO_WIDTH, PHOTO_HEIGHT])
  // The model recovered radiance above the input's white where the sun clipped.
  expect(hdr.data.reduce((m, v) => Math.max(m, v), 0)).toBeGreaterThan(1)

  // A comparison over a flat or saturated image would prove nothing.
  expect(new Set(png.rgb).size).toBeGreaterThan(100)
  expect(previewDifference(await readPreviewPixels(page), png)).toBeLessThanOrEqual(1)
}

/** Batches the folder, cancels after the first photo, and checks what is on disk. */
export async function batchAndCancel(app: AppDriver, o: WalkOptions): Promise<void> {
  const { page } = app
  await app.answerDialog('chooseOutputFolder', o.batchDir)
  await page.getByRole('button', { name: 'Output folder…' }).click()
  await expect.poll(() => page.getByText(o.batchDir).count()).toBe(1)
  // Press Cancel the moment the first photo is done: a click from the test could come after a
  // fast machine has finished the whole folder.
  await page.evaluate(() => {
    const g = globalThis as unknown as {
      unclip: { onProgress(l: (p: { event: { stage: string } }) => void): () => void }
      document: { querySelector(s: string): { click(): void } | null }
    }
    const off = g.unclip.onProgress(({ event }) => {
      if (event.stage !== 'done') return
      off()
      g.document.querySelector('[data-testid="batch-cancel"]')?.click()
    })
  })
  await page.getByRole('button', { name: /^Convert all/ }).click()
  const summary = page.getByTestId('batch-summary')
  await summary.waitFor({ timeout: UI_TIMEOUT })
  expect(await summary.textContent()).toMatch(/^Cancelled: \d+ converted, 1 failed/)
  const converted = Number(/(\d+) converted/.exec((await summary.textContent()) ?? '')?.[1])
  expect(converted).toBeGreaterThanOrEqual(1)
  expect(converted).toBeLessThan(o.photos.photos.length)
  const perFile = page.getByRole('list', { name: 'Per-file progress' })
  expect(await perFile.getByText('failed', { exact: true }).count()).toBe(1)
  expect(await perFile.getByText('done', { exact: true }).count()).toBe(converted)
  expect(await page.getByText(/elapsed \d+:\d\d/).count()).toBe(1)

  // Only whole outputs of finished photos: a .hdr and a .png each, all decodable, no temp files.
  const written = (await readdir(o.batchDir)).sort()
  expect(written.length).toBe(converted * 2)
  for (const file of written) {
    expect(['.hdr', '.png']).toContain(extname(file))
    const bytes = await readFile(join(o.batchDir, file))
    const size = file.endsWith('.png') ? await decodePng(bytes) : decodeRadiance(bytes)
    expect([size.width, size.height]).toEqual([PHOTO_WIDTH, PHOTO_HEIGHT])
  }

  const failures = page.getByRole('list', { name: 'Failures' }).getByRole('listitem')
  expect(await failures.count()).toBe(1)
  expect(await failures.first().textContent()).toContain(basename(o.photos.corrupt))
  expect(await failures.first().locator('.message').textContent()).toMatch(/corrupt|not an image|cannot read/i)
  await failures.first().getByRole('button', { name: 'Show in folder' }).click()
  await expect.poll(() => app.shownInFolder()).toContain(o.photos.corrupt)
  await expect.poll(() => page.locator('[data-status="failed"]').count()).toBe(1)
  await o.screenshots?.('batch-failure', page)
}

/** Commands other than settings the page has sent; the Chromium bridge records them, Electron does not. */
async function engineCommands(page: Page): Promise<string[]> {
  const sent = await page.evaluate(
    () => (globalThis as unknown as { __unclipInvoked?: string[] }).__unclipInvoked ?? []
  )
  return sent.filter((channel) => !channel.startsWith('settings:'))
}

/**
 * At 100 % "before" the divider's handle must stay inside the preview (not under the side panel) and
 * drag back; a drag must not select the page's text.
 */
async function dragHandleBackFromTheEdge(page: Page): Promise<void> {
  const slider = page.getByRole('slider', { name: 'Before/after divider' })
  await expect.poll(() => slider.getAttribute('aria-valuenow')).toBe('100')
  const stage = await page.locator('.stage').boundingBox()
  const handle = await slider.locator('.handle').boundingBox()
  if (!stage || !handle) throw new Error('The preview or its divider handle is not laid out')
  expect(handle.x).toBeGreaterThanOrEqual(stage.x)
  expect(handle.x + handle.width).toBeLessThanOrEqual(stage.x + stage.width)
  const y = handle.y + handle.height / 2
  await page.mouse.move(handle.x + handle.width / 2, y)
  await page.mouse.down()
  await page.mouse.move(stage.x + stage.width / 2, y, { steps: 5 })
  await page.mouse.up()
  await expect
    .poll(async () => Math.abs(Number(await slider.getAttribute('aria-valuenow')) - 50))
    .toBeLessThanOrEqual(2)
  // A drag that misses the divider must not select the panel's text either.
  await page.mouse.move(stage.x + 5, stage.y + 5)
  await page.mouse.down()
  await page.mouse.move(stage.x + stage.width + 200, stage.y + stage.height - 5, { steps: 5 })
  await page.mouse.up()
  const selected = await page.evaluate(() =>
    String((globalThis as unknown as { getSelection(): { toString(): string } | null }).getSelection() ?? '')
  )
  expect(selected).toBe('')
}
