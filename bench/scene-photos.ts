import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { decodeRadiance } from '../src-main/engine/codecs/radiance-decoder'
import { photoSize } from './photo'

/** The shared HDR scenes (real photographs) when this checkout sits beside `../shared`; absent elsewhere. */
export const SCENES_DIR = new URL('../../shared/data/hdr/val/', import.meta.url).pathname

/**
 * Camera-like JPEGs (q90, 3:2, `megapixels`) made from real HDR photographs: exposed so the brightest
 * 2 % clip, sRGB-encoded, enlarged with Lanczos and given sensor grain, so they carry the detail and
 * noise that make real JPEGs slow to decode and PNGs slow to compress (a smooth enlargement would
 * flatter both). The scenes are about 1 MP, so fine detail above their resolution is the grain's.
 *
 * @param megapixels - target size
 * @param count - how many photos (scenes in name order, repeated if fewer)
 * @returns JPEG bytes and names, or none when `SCENES_DIR` is missing
 */
export async function scenePhotos(megapixels: number, count: number): Promise<{ name: string; jpeg: Buffer }[]> {
  if (!existsSync(SCENES_DIR)) return []
  const files = (await readdir(SCENES_DIR)).filter((f) => f.endsWith('.hdr')).sort()
  const photos: { name: string; jpeg: Buffer }[] = []
  for (let i = 0; i < Math.min(count, files.length * 4); i++) {
    const file = files[i % files.length]
    photos.push({ name: file.replace(/\.hdr$/, ''), jpeg: await scenePhoto(join(SCENES_DIR, file), megapixels, i) })
  }
  return photos
}

async function scenePhoto(path: string, megapixels: number, seed: number): Promise<Buffer> {
  const hdr = decodeRadiance(await readFile(path))
  const luminance = Float32Array.from({ length: hdr.width * hdr.height }, (_, p) => {
    const i = p * 3
    return Math.max(hdr.data[i], hdr.data[i + 1], hdr.data[i + 2])
  }).sort()
  const scale = 1 / Math.max(1e-6, luminance[Math.floor(luminance.length * 0.98)])
  const ldr = Buffer.alloc(hdr.width * hdr.height * 3)
  for (let i = 0; i < ldr.length; i++) {
    const v = Math.min(1, hdr.data[i] * scale)
    ldr[i] = Math.round(255 * (v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055))
  }
  const { width, height } = photoSize(megapixels)
  const landscape = hdr.width >= hdr.height
  const [w, h] = landscape ? [width, height] : [height, width]
  const big = await sharp(ldr, { raw: { width: hdr.width, height: hdr.height, channels: 3 } })
    .resize(w, h, { fit: 'cover', kernel: 'lanczos3' })
    .raw()
    .toBuffer()
  let state = (0x9e3779b9 ^ (seed * 0x85ebca6b)) >>> 0
  for (let i = 0; i < big.length; i++) {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    // Grain a little stronger in the shadows, as a sensor's is after the tone curve.
    const sigma = 6 + (8 * (255 - big[i])) / 255
    big[i] = Math.max(0, Math.min(255, big[i] + ((state >>> 0) / 4294967296 - 0.5) * 2 * sigma))
  }
  return sharp(big, { raw: { width: w, height: h, channels: 3 }, limitInputPixels: false })
    .jpeg({ quality: 90 })
    .toBuffer()
}
