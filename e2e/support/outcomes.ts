/**
 * Steps about outcomes and the folder: notices inside the window, Keep both, batch results reopened
 * and shown in thumbnails, sub-folders and a ticked selection.
 */
import { existsSync } from 'node:fs'
import { copyFile, mkdir } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import type { AppDriver } from './driver'

/** The locator's box lies inside the 1280×800 window (not below the fold of the side panel). */
async function expectInView(page: Page, locator: ReturnType<Page['locator']>): Promise<void> {
  const box = await locator.boundingBox()
  const size = page.viewportSize()
  if (!box || !size) throw new Error('The notice is not laid out')
  expect(box.y + box.height).toBeLessThanOrEqual(size.height)
  expect(box.x + box.width).toBeLessThanOrEqual(size.width)
}

/**
 * Exporting a photo a second time says so where the eye is and offers Replace and Keep both; Keep
 * both writes `<name>-2` files beside the first and the notice shows them in the folder.
 */
export async function exportAgainKeepsBoth(app: AppDriver, exportDir: string, name: string): Promise<void> {
  const { page } = app
  const notices = page.getByRole('list', { name: 'Notices' })
  await page.getByRole('button', { name: 'Export image' }).click()
  const exists = notices.getByRole('alert').filter({ hasText: 'already exists' })
  await exists.waitFor({ timeout: 30_000 })
  await expectInView(page, exists)
  await exists.getByRole('button', { name: 'Keep both' }).click()
  const done = notices.getByRole('status').filter({ hasText: `${name}-2.png` })
  await done.waitFor({ timeout: 30_000 })
  await expectInView(page, done)
  for (const ext of ['.hdr', '.png']) expect(existsSync(join(exportDir, `${name}-2${ext}`))).toBe(true)
  await done.getByRole('button', { name: 'Show in folder' }).click()
  await expect.poll(async () => (await app.shownInFolder()).some((p) => p.includes(`${name}-2.`))).toBe(true)
}

/** A batch's outcome is announced over the photo, inside the window. */
export async function batchOutcomeInView(app: AppDriver): Promise<void> {
  const notice = app.page
    .getByRole('list', { name: 'Notices' })
    .locator('li')
    .filter({ hasText: /^Batch (cancelled|finished)/ })
  await notice.waitFor({ timeout: 30_000 })
  await expectInView(app.page, notice)
}

/**
 * A photo the batch converted reopens with its result, read back from the batch's files rather than
 * converted again (no inference progress), and its thumbnail shows the result.
 */
export async function reopenBatchResult(app: AppDriver, photos: string[]): Promise<void> {
  const { page } = app
  const card = (path: string): ReturnType<Page['locator']> =>
    page.getByRole('list', { name: 'Filmstrip' }).getByRole('button', { name: new RegExp(`^${basename(path)}, `) })
  const done = await page.locator('.card:has([data-status="done"]) .name').allTextContents()
  const converted = photos.find((photo) => done.includes(basename(photo)))
  if (!converted) throw new Error('The batch converted none of the photos')
  const result = page.locator(`.card:has([data-status="done"]) img[data-of$="${basename(converted, '.jpg')}.png"]`)
  await expect.poll(() => result.count(), { timeout: 30_000 }).toBe(1)
  // Two other photos push the converted one out of the engine's cache of opened photos.
  for (const other of photos.filter((photo) => !done.includes(basename(photo))).slice(0, 2)) {
    await card(other).click()
    await page.locator('canvas[data-phase="open"]').waitFor({ timeout: 30_000 })
  }
  await page.evaluate(() => {
    const g = globalThis as unknown as {
      unclip: { onProgress(l: (p: { event: { stage: string } }) => void): () => void }
      __stages: string[]
    }
    g.__stages = []
    g.unclip.onProgress(({ event }) => g.__stages.push(event.stage))
  })
  await card(converted).click()
  await page.locator('canvas[data-phase="converted"]').waitFor({ timeout: 30_000 })
  const stages = await page.evaluate(() => (globalThis as unknown as { __stages: string[] }).__stages)
  expect(stages).not.toContain('inference')
  expect(stages.at(-1)).toBe('done')
  expect(await page.getByRole('button', { name: 'Export image' }).isEnabled()).toBe(true)
}

/**
 * "Include subfolders" lists a photo in a sub-folder (as the CLI's `--recursive`), and ticking two
 * photos converts exactly those two.
 */
export async function subfoldersAndSelection(app: AppDriver, folder: string, photos: string[]): Promise<void> {
  const { page } = app
  await mkdir(join(folder, 'sub'), { recursive: true })
  await copyFile(photos[0], join(folder, 'sub', 'nested.jpg'))
  await page.keyboard.press('Escape')
  await page.getByRole('checkbox', { name: 'Include subfolders' }).check()
  const grid = page.getByRole('list', { name: 'Folder' })
  await expect.poll(() => grid.getByRole('button', { name: /^nested\.jpg, / }).count(), { timeout: 30_000 }).toBe(1)
  const picked = ['nested.jpg', basename(photos[photos.length - 1])]
  for (const name of picked) await page.getByRole('checkbox', { name: `Select ${name}` }).check()
  await page.getByRole('button', { name: 'Convert selected (2)' }).click()
  const summary = page.getByTestId('batch-summary')
  await expect.poll(() => summary.textContent(), { timeout: 60_000 }).toMatch(/^Finished: 2 converted, 0 failed/)
  for (const name of picked)
    expect(await grid.getByRole('button', { name: new RegExp(`^${name.replace('.', '\\.')}, done`) }).count()).toBe(1)
  expect(await grid.locator('[data-status="done"]').count()).toBe(2)
}
