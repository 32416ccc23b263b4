/**
 * Steps about what carries over: a batch's PNG against the same photo's Export, the photo's GPS
 * kept only when asked, and the export and tone choices remembered across a restart.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { expect } from 'vitest'
import type { AppDriver } from './driver'
import { decodePng } from './pixels'
import { dropPhoto } from './drop'

const EXIFTOOL = '/usr/bin/exiftool'

/**
 * Each PNG the batch wrote equals the PNG Export wrote for the same photo, within 1/255: the batch
 * resolves each photo's automatic white point as the screen does, instead of using the slider's.
 * @returns How many photos were compared (at least one).
 */
export async function batchMatchesExport(exportDir: string, batchDir: string): Promise<number> {
  const pairs = (await readdir(batchDir)).filter((f) => f.endsWith('.png') && existsSync(join(exportDir, f)))
  expect(pairs.length).toBeGreaterThan(0)
  for (const file of pairs) {
    const [batch, exported] = await Promise.all([decodePng(join(batchDir, file)), decodePng(join(exportDir, file))])
    expect([batch.width, batch.height]).toEqual([exported.width, exported.height])
    let worst = 0
    for (let i = 0; i < batch.rgb.length; i++) worst = Math.max(worst, Math.abs(batch.rgb[i] - exported.rgb[i]))
    expect(worst, file).toBeLessThanOrEqual(1)
  }
  return pairs.length
}

/** GPS tags exiftool reads from a file (numbers, signed). */
function gpsOf(file: string): { lat?: number; lon?: number } {
  const run = spawnSync(EXIFTOOL, ['-j', '-n', '-GPSLatitude', '-GPSLongitude', file], { encoding: 'utf8' })
  expect(run.status, run.stderr).toBe(0)
  const [tags] = JSON.parse(run.stdout) as { GPSLatitude?: number; GPSLongitude?: number }[]
  return { lat: tags.GPSLatitude, lon: tags.GPSLongitude }
}

/** Copies `source` to `path` with a GPS position written by exiftool (an independent writer). */
export async function createGpsPhoto(source: string, path: string): Promise<void> {
  await sharp(source).jpeg({ quality: 92 }).toFile(path)
  const run = spawnSync(EXIFTOOL, [
    '-overwrite_original',
    '-GPSLatitude=48.8584',
    '-GPSLatitudeRef=N',
    '-GPSLongitude=2.2945',
    '-GPSLongitudeRef=E',
    path
  ])
  expect(run.status, String(run.stderr)).toBe(0)
  expect(gpsOf(path).lat).toBeCloseTo(48.8584, 3)
}

/** exiftool is where the distribution puts it (`libimage-exiftool-perl`). */
export const hasExiftool = (): boolean => existsSync(EXIFTOOL)

/**
 * Exports a photo that carries GPS twice: without "Keep GPS location" the PNG has no position,
 * with it the PNG has the photo's own (as exiftool reads both).
 */
export async function keepGpsWhenAsked(app: AppDriver, photo: string, exportDir: string): Promise<void> {
  const { page } = app
  await dropPhoto(page, photo)
  await page.getByRole('button', { name: 'Convert to HDR' }).click()
  await page.locator('canvas[data-phase="converted"]').waitFor({ timeout: 60_000 })
  const png = join(exportDir, 'gps.png')
  const keepGps = page.getByRole('checkbox', { name: 'Keep GPS location' })
  await keepGps.uncheck()
  await page.getByRole('checkbox', { name: 'Replace existing files' }).check()
  await page.getByRole('button', { name: 'Export image' }).click()
  await expect.poll(() => existsSync(png), { timeout: 60_000 }).toBe(true)
  await expect.poll(() => page.getByText('Exported gps.hdr, gps.png').count(), { timeout: 60_000 }).toBe(1)
  expect(gpsOf(png)).toEqual({ lat: undefined, lon: undefined })

  await keepGps.check()
  await page.getByRole('button', { name: 'Export image' }).click()
  await expect.poll(() => gpsOf(png).lat, { timeout: 60_000 }).toBeCloseTo(48.8584, 3)
  expect(gpsOf(png).lon).toBeCloseTo(2.2945, 3)
}

/**
 * After a restart (the page reloaded over the same settings file) Keep GPS, the JPEG quality and a
 * manual white point are as the user left them.
 */
export async function choicesSurviveRestart(app: AppDriver, settingsPath: string): Promise<void> {
  const { page } = app
  await page.getByRole('checkbox', { name: 'Keep GPS location' }).check()
  await page.getByRole('checkbox', { name: 'Tone-mapped JPEG' }).check()
  const quality = page.locator('#export-jpeg-quality')
  await quality.fill('77')
  await page.locator('#tone-white').fill('12')
  // Both are written once the slider rests: wait for the settings file to say so.
  const stored = async (): Promise<unknown> => {
    const saved = JSON.parse(await readFile(settingsPath, 'utf8')) as {
      export: { jpegQuality: number; keepGps: boolean }
      preview: { whitePoint: number }
      autoWhitePoint: boolean
    }
    return [saved.export.jpegQuality, saved.export.keepGps, saved.preview.whitePoint, saved.autoWhitePoint]
  }
  await expect.poll(stored, { timeout: 30_000 }).toEqual([77, true, 12, false])
  await page.reload()
  await page.getByRole('checkbox', { name: 'Keep GPS location' }).waitFor({ timeout: 60_000 })
  expect(await page.getByRole('checkbox', { name: 'Keep GPS location' }).isChecked()).toBe(true)
  expect(await page.getByRole('checkbox', { name: 'Tone-mapped JPEG' }).isChecked()).toBe(true)
  await expect.poll(() => page.locator('#export-jpeg-quality').inputValue()).toBe('77')
  expect(await page.locator('#tone-white').inputValue()).toBe('12')
  expect(await page.getByRole('checkbox', { name: /White point from the result/ }).isChecked()).toBe(false)
}
