/**
 * `UPDATE_SCREENSHOTS=1 npm run e2e`: screenshots of a real photograph converted by the shipped model
 * (models/unclip-v1) in the built renderer in Chromium, into e2e/screenshots/real-*.png. The photo is
 * the Golden Gate val scene (openexr-images, BSD-3) exposed so 5 % of it clips, as a camera would
 * have shot it; for low light, the Desk val scene shot 4 stops under with sensor noise. Skipped
 * unless asked, and without the model, the val scenes or Chromium.
 */
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { decodeRadiance } from '../src-main/engine/codecs/radiance-decoder'
import { srgbEncode } from '../src-main/engine/imaging/tonemap'
import { launchBrowserApp } from './support/browser-app'
import { buildRenderer, bundlePageBridge } from './support/build-renderer'
import { findChromium } from './support/chromium'
import { dropPhoto } from './support/drop'
import { readSide } from './support/photographer'

const ROOT = resolve(import.meta.dirname, '..')
const VAL = resolve(ROOT, '../shared/data/hdr/val')
const SCENE = join(VAL, 'openexr-images__Tiles__GoldenGate.hdr')
const DARK_SCENE = join(VAL, 'openexr-images__ScanLines__Desk.hdr')
const CHROMIUM = findChromium()
const READY = Boolean(process.env['UPDATE_SCREENSHOTS']) && CHROMIUM && existsSync(SCENE) && existsSync(DARK_SCENE)

/**
 * The scene as an 8-bit sRGB JPEG exposed so that `fraction` of its pixels clip, then `stopsUnder`
 * stops darker with sensor-like noise (fixed seed) when asked.
 */
async function photograph(path: string, fraction: number, scenePath = SCENE, stopsUnder = 0): Promise<void> {
  const scene = decodeRadiance(await readFile(scenePath))
  const n = scene.width * scene.height
  const maxima = Float32Array.from({ length: n }, (_, p) =>
    Math.max(scene.data[3 * p], scene.data[3 * p + 1], scene.data[3 * p + 2])
  ).sort()
  const gain = 2 ** -stopsUnder / maxima[Math.floor((1 - fraction) * (n - 1))]
  let seed = 7
  const noise = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.004
  const exposed = (v: number): number => Math.max(0, Math.min(1, v * gain + (stopsUnder > 0 ? noise() : 0)))
  const bytes = Buffer.from(scene.data.map((v) => Math.round(srgbEncode(exposed(v)) * 255)))
  await sharp(bytes, { raw: { width: scene.width, height: scene.height, channels: 3 } })
    .jpeg({ quality: 92 })
    .toFile(path)
}

describe.skipIf(!READY)('screenshots of a real photo with the shipped model (UPDATE_SCREENSHOTS=1)', () => {
  it('converts the Golden Gate photo and records the main views', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'unclip-shots-'))
    const rendererDir = resolve(ROOT, 'e2e/.artifacts/renderer-shots')
    const [bridgeScript] = await Promise.all([bundlePageBridge(), buildRenderer(rendererDir)])
    const app = await launchBrowserApp({
      rendererDir,
      bridgeScript,
      modelsDir: resolve(ROOT, 'models'),
      model: 'unclip-v1',
      settingsPath: join(dir, 'settings.json'),
      chromiumPath: CHROMIUM ?? undefined
    })
    const shots = resolve(ROOT, 'e2e/screenshots')
    await mkdir(shots, { recursive: true })
    const shot = (name: string): Promise<Buffer> => app.page.screenshot({ path: join(shots, `real-${name}.png`) })
    try {
      const { page } = app
      const photo = join(dir, 'golden-gate.jpg')
      await photograph(photo, 0.05)
      await dropPhoto(page, photo)
      await page.getByRole('button', { name: 'Convert to HDR' }).click()
      await page.locator('canvas[data-phase="converted"]').waitFor({ timeout: 120_000 })
      await shot('fit-divider')
      await page.getByLabel('Mark clipped').check()
      await shot('mark-clipped')
      await page.getByLabel('Mark clipped').uncheck()
      await page.locator('#tone-ev').fill('-2')
      await shot('exposure-minus-2')
      await page.locator('#tone-ev').fill('0')
      await page.getByRole('button', { name: '100%' }).click()
      await readSide(page, 100)
      await shot('100-before')
      await readSide(page, 0)
      await shot('100-after')
      await app.answerDialog('chooseOutputFolder', dir)
      await page.getByRole('button', { name: 'Output folder…' }).click()
      await page.getByRole('button', { name: 'Export image' }).click()
      await page.getByRole('list', { name: 'Notices' }).getByRole('status').first().waitFor({ timeout: 60_000 })
      await shot('export-notice')

      const dark = join(dir, 'desk-dark.jpg')
      await photograph(dark, 0.02, DARK_SCENE, 4)
      await dropPhoto(page, dark)
      await page.getByRole('switch', { name: 'Low-light mode' }).check()
      await page.getByRole('button', { name: 'Brighten' }).click()
      await page.locator('canvas[data-phase="converted"]').waitFor({ timeout: 120_000 })
      await page.getByRole('button', { name: 'Fit' }).click()
      // The Golden Gate's export notice goes by itself; the shot is of the dark photo alone.
      await page.getByRole('list', { name: 'Notices' }).getByRole('status').waitFor({ state: 'detached' })
      await shot('lowlight-divider')
      expect(app.consoleErrors()).toEqual([])
    } finally {
      await app.close()
      await rm(dir, { recursive: true, force: true })
    }
  }, 300_000)
})
