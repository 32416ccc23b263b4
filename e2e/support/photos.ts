import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'

export const PHOTO_WIDTH = 640
export const PHOTO_HEIGHT = 480

export interface PhotoFolder {
  folder: string
  photos: string[]
  corrupt: string
}

/**
 * Writes `count` synthetic JPEG photos, each a horizon scene with a sky blown out to white (what
 * the model has to recover), and one file named like a JPEG that is not one. The broken file
 * sorts first so a batch reaches it before any cancel.
 */
export async function createPhotoFolder(folder: string, count: number): Promise<PhotoFolder> {
  await mkdir(folder, { recursive: true })
  const photos: string[] = []
  for (let i = 0; i < count; i++) {
    const path = join(folder, `photo-${String(i + 1).padStart(2, '0')}.jpg`)
    await sharp(scene(i), { raw: { width: PHOTO_WIDTH, height: PHOTO_HEIGHT, channels: 3 } })
      .jpeg({ quality: 92 })
      .toFile(path)
    photos.push(path)
  }
  const corrupt = join(folder, '0-corrupt.jpg')
  // A JPEG start-of-image marker followed by junk: sniffed as JPEG, fails to decode.
  await writeFile(
    corrupt,
    Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('not really a photo'.repeat(20))])
  )
  return { folder, photos, corrupt }
}

/**
 * Writes the first scene shot four stops under: every level a sixteenth, the sun no longer clipped.
 * @param enlarge Scales the photo up (nearest neighbour), for steps that need low light to take a while.
 */
export async function createNightPhoto(path: string, enlarge = 1): Promise<void> {
  const data = scene(0).map((level) => Math.round(level / 16))
  await sharp(data, { raw: { width: PHOTO_WIDTH, height: PHOTO_HEIGHT, channels: 3 } })
    .resize(PHOTO_WIDTH * enlarge, PHOTO_HEIGHT * enlarge, { kernel: 'nearest' })
    .jpeg({ quality: 92 })
    .toFile(path)
}

/** Size of `createLargePhoto`'s photo: past the preview's 2048-px cap, as cameras' photos are. */
export const LARGE_WIDTH = 2400
export const LARGE_HEIGHT = 1600

/**
 * Writes a photo larger than the preview with single-pixel detail everywhere (a fine checker over
 * a gradient) and a clipped sun in the middle, where a 100 % view opens: a resampled preview shows
 * neither the checker nor the recovered highlight as the photo has them.
 */
export async function createLargePhoto(path: string): Promise<void> {
  const data = Buffer.alloc(LARGE_WIDTH * LARGE_HEIGHT * 3)
  for (let y = 0; y < LARGE_HEIGHT; y++) {
    for (let x = 0; x < LARGE_WIDTH; x++) {
      const i = (y * LARGE_WIDTH + x) * 3
      const checker = (x + y) % 2 === 0 ? 24 : -24
      const d = Math.hypot(x - LARGE_WIDTH / 2, y - LARGE_HEIGHT / 2) / LARGE_HEIGHT
      const glow = 600 * Math.exp(-d * 9)
      data[i] = byte(70 + 60 * (x / LARGE_WIDTH) + checker + glow)
      data[i + 1] = byte(90 + 40 * (y / LARGE_HEIGHT) + checker + glow)
      data[i + 2] = byte(120 + checker + glow * 0.8)
    }
  }
  await sharp(data, { raw: { width: LARGE_WIDTH, height: LARGE_HEIGHT, channels: 3 } })
    .jpeg({ quality: 95, chromaSubsampling: '4:4:4' })
    .toFile(path)
}

function scene(seed: number): Buffer {
  const data = Buffer.alloc(PHOTO_WIDTH * PHOTO_HEIGHT * 3)
  const horizon = PHOTO_HEIGHT * (0.5 + 0.03 * (seed % 8))
  const sunX = PHOTO_WIDTH * (0.2 + 0.09 * (seed % 8))
  for (let y = 0; y < PHOTO_HEIGHT; y++) {
    for (let x = 0; x < PHOTO_WIDTH; x++) {
      const i = (y * PHOTO_WIDTH + x) * 3
      if (y < horizon) {
        // A blue sky brightening towards a sun whose disc and halo clip to 255.
        const d = Math.hypot(x - sunX, y - horizon * 0.4) / PHOTO_WIDTH
        const glow = 500 * Math.exp(-d * 14)
        const up = y / horizon
        data[i] = byte(60 + 40 * up + glow)
        data[i + 1] = byte(100 + 40 * up + glow)
        data[i + 2] = byte(160 + 40 * up + glow)
      } else {
        // Darker ground with a texture so thumbnails and histograms have content.
        const t = 40 + 30 * Math.sin(x / 17 + seed) * Math.cos(y / 11) + 0.1 * (y - horizon)
        data[i] = byte(t + 20)
        data[i + 1] = byte(t + 35)
        data[i + 2] = byte(t)
      }
    }
  }
  return data
}

/** Rounds and clamps to 0..255; a Buffer would otherwise wrap out-of-range values. */
function byte(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v)))
}
