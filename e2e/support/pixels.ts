import type { Page } from 'playwright-core'
import sharp from 'sharp'

/** The renderer's `View` (src-renderer/src/lib/zoom.ts), as the canvas's data-view attribute has it. */
export interface View {
  scale: number
  offsetX: number
  offsetY: number
}

/** The DOM shapes the page callback uses; the node tsconfig that checks e2e/ has no DOM lib. */
interface PageDocument {
  querySelector(selector: string): PageCanvas | null
}
interface PageCanvas {
  width: number
  height: number
  dataset: Record<string, string | undefined>
  getContext(kind: 'webgl2'): PageGl | null
}
interface PageGl {
  RGBA: number
  UNSIGNED_BYTE: number
  readPixels(x: number, y: number, w: number, h: number, format: number, type: number, out: Uint8Array): void
}

/** The preview canvas's pixels, top row first, with the view that drew them. */
export interface CanvasPixels {
  width: number
  height: number
  rgba: Uint8Array
  view: View
}

/**
 * Reads back what the WebGL preview last drew (`gl.readPixels`; the renderer keeps its drawing
 * buffer), so the comparison sees the shader's own output, not a re-encoded screenshot.
 */
export async function readPreviewPixels(page: Page): Promise<CanvasPixels> {
  const read = await page.evaluate(() => {
    const { document } = globalThis as unknown as { document: PageDocument }
    const canvas = document.querySelector('canvas[data-view]')
    const gl = canvas?.getContext('webgl2')
    if (!canvas || !gl) throw new Error('No WebGL preview canvas on the page')
    const { width, height } = canvas
    const bottomUp = new Uint8Array(width * height * 4)
    gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, bottomUp)
    let binary = ''
    for (let i = 0; i < bottomUp.length; i += 0x8000) binary += String.fromCharCode(...bottomUp.subarray(i, i + 0x8000))
    return { width, height, base64: btoa(binary), view: canvas.dataset.view ?? '' }
  })
  const bottomUp = Buffer.from(read.base64, 'base64')
  const rgba = new Uint8Array(bottomUp.length)
  const row = read.width * 4
  for (let y = 0; y < read.height; y++)
    rgba.set(bottomUp.subarray((read.height - 1 - y) * row, (read.height - y) * row), y * row)
  return { width: read.width, height: read.height, rgba, view: JSON.parse(read.view) as View }
}

/** RGB of the canvas pixel showing image pixel (x, y); needs a scale-1 view. */
export function imagePixel(canvas: CanvasPixels, x: number, y: number): [number, number, number] {
  const cx = x + canvas.view.offsetX
  const cy = y + canvas.view.offsetY
  const i = (cy * canvas.width + cx) * 4
  return [canvas.rgba[i], canvas.rgba[i + 1], canvas.rgba[i + 2]]
}

/** Decoded RGB of a PNG (screenshot or export), 8 bits per channel. */
export async function decodePng(bytes: Buffer | string): Promise<{ width: number; height: number; rgb: Buffer }> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  return { width: info.width, height: info.height, rgb: data }
}

/** Mean absolute difference per channel between two equally sized RGB buffers. */
export function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i])
  return sum / a.length
}

/** Mean level of an RGB buffer, 0–255. */
export function meanLevel(rgb: Uint8Array): number {
  let sum = 0
  for (const level of rgb) sum += level
  return sum / rgb.length
}

/** Largest per-channel difference between a preview drawn at 100% and an image of the same size. */
export function previewDifference(
  preview: CanvasPixels,
  image: { width: number; height: number; rgb: Uint8Array }
): number {
  let worst = 0
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const shown = imagePixel(preview, x, y)
      const i = (y * image.width + x) * 3
      for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(shown[c] - image.rgb[i + c]))
    }
  }
  return worst
}
