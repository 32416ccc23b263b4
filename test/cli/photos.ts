/** Small real photo files for batch and CLI tests (also imported by src-main/engine/batch.test.ts). */
import { mkdir, readdir } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import sharp from 'sharp'

/**
 * Writes a photo with a gradient and a clipped white patch (what the model boosts), encoded as
 * PNG or JPEG (q90) by the extension.
 * @returns The absolute path written.
 */
export async function writePhoto(path: string, width = 48, height = 32): Promise<string> {
  const raw = Buffer.alloc(width * height * 3)
  for (let i = 0; i < width * height; i++) {
    const x = i % width
    const y = Math.floor(i / width)
    const clipped = x < width / 4 && y < height / 4
    raw[i * 3] = clipped ? 255 : (x * 255) / width
    raw[i * 3 + 1] = clipped ? 255 : (y * 255) / height
    raw[i * 3 + 2] = clipped ? 255 : 90
  }
  await mkdir(dirname(path), { recursive: true })
  const image = sharp(raw, { raw: { width, height, channels: 3 } })
  await (path.toLowerCase().endsWith('.png') ? image.png() : image.jpeg({ quality: 90 })).toFile(path)
  return path
}

/** Every file under `root`, hidden ones (temp files) included, relative and sorted. */
export async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort()
}
