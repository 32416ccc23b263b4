import sharp from 'sharp'

/** Width and height of a 3:2 photo of about `megapixels` MP, like most camera sensors. */
export function photoSize(megapixels: number): { width: number; height: number } {
  const width = Math.round(Math.sqrt((megapixels * 1e6 * 3) / 2))
  return { width, height: Math.round((width * 2) / 3) }
}

/**
 * A synthetic but photo-like JPEG (quality 90): a sky gradient with a clipped sun and its glow,
 * hills with texture, lit buildings and sensor noise. Clipped highlights are what the model
 * reconstructs, and noise keeps the JPEG as large and as slow to decode as a real photo's.
 *
 * @param megapixels - target size (3:2)
 * @returns the JPEG bytes and the exact size
 */
export async function syntheticPhoto(megapixels: number): Promise<{ jpeg: Buffer; width: number; height: number }> {
  const { width, height } = photoSize(megapixels)
  const raw = Buffer.alloc(width * height * 3)
  const sunX = width * 0.68
  const sunY = height * 0.22
  const sunR = height * 0.05
  const horizon = new Float32Array(width)
  for (let x = 0; x < width; x++) {
    const u = x / width
    horizon[x] = height * (0.6 + 0.06 * Math.sin(u * 7.1) + 0.03 * Math.sin(u * 23.3 + 1.2))
  }
  let seed = 0x9e3779b9
  const noise = (): number => {
    seed ^= seed << 13
    seed ^= seed >>> 17
    seed ^= seed << 5
    return ((seed >>> 0) / 4294967296 - 0.5) * 20
  }
  for (let y = 0; y < height; y++) {
    const v = y / height
    for (let x = 0; x < width; x++) {
      let r: number
      let g: number
      let b: number
      if (y < horizon[x]) {
        const d = Math.hypot(x - sunX, y - sunY) / sunR
        const glow = d < 1 ? 400 : 220 / (d * d)
        r = 90 + 110 * v + glow
        g = 140 + 80 * v + glow * 0.9
        b = 230 - 30 * v + glow * 0.6
      } else {
        const texture = 18 * Math.sin(x * 0.05 + y * 0.031) * Math.sin(y * 0.11 - x * 0.017)
        const building = Math.floor(x / (width / 14)) % 3 === 1 && v > 0.72 ? 1 : 0
        const window = building && x % 37 < 12 && y % 41 < 15 ? 180 : 0
        r = 60 + 50 * (1 - v) + texture + building * 40 + window
        g = 80 + 40 * (1 - v) + texture + building * 35 + window * 0.9
        b = 40 + 20 * (1 - v) + texture * 0.5 + building * 30 + window * 0.5
      }
      const i = (y * width + x) * 3
      raw[i] = clamp(r + noise())
      raw[i + 1] = clamp(g + noise())
      raw[i + 2] = clamp(b + noise())
    }
  }
  const jpeg = await sharp(raw, { raw: { width, height, channels: 3 }, limitInputPixels: false })
    .jpeg({ quality: 90 })
    .toBuffer()
  return { jpeg, width, height }
}

function clamp(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : value
}
