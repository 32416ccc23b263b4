/**
 * A 16-bit ProPhoto TIFF as Lightroom Classic hands one to an external editor: ProPhoto-encoded
 * values (a clipped corner, a gradient, a green outside sRGB), tagged with Debian's ROMM RGB profile
 * by ImageMagick (assigned, not converted), and camera EXIF written by exiftool.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import sharp from 'sharp'
import { hasTool } from './tools'

/** Debian's libgs-common ships ROMM RGB (ProPhoto), Adobe RGB (1998) and sRGB profiles. */
export const PROPHOTO_ICC = '/usr/share/color/icc/ghostscript/rommrgb.icc'
export const ADOBE_RGB_ICC = '/usr/share/color/icc/ghostscript/a98.icc'
export const SRGB_ICC = '/usr/share/color/icc/ghostscript/srgb.icc'

/** Why ProPhoto photos cannot be made here, or null when they can. */
export function proPhotoSkipReason(): string | null {
  if (![PROPHOTO_ICC, SRGB_ICC].every((f) => existsSync(f))) return 'needs the libgs-common ICC profiles'
  if (!hasTool('convert', ['-version'])) return 'needs ImageMagick'
  if (!hasTool('exiftool', ['-ver'])) return 'needs exiftool'
  return null
}

/** Where the photo holds a green outside sRGB. */
export const OUT_OF_SRGB_PATCH = { x: 30, y: 20, size: 10 }

/**
 * Writes the photo.
 * @param path Where (a .tif).
 * @param width At least 40.
 * @param height At least 30.
 */
export async function writeProPhotoTiff(path: string, width = 64, height = 48): Promise<void> {
  const { x: px, y: py, size } = OUT_OF_SRGB_PATCH
  const data = new Uint16Array(width * height * 3)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const inPatch = x >= px && x < px + size && y >= py && y < py + size
      const rgb =
        x < 16 && y < 16
          ? [1, 1, 1]
          : inPatch
            ? [0.25, 0.7, 0.2]
            : [0.2 + x / (1.6 * width), 0.3 + y / (2.5 * height), 0.35]
      data.set(
        rgb.map((v) => Math.round(v * 65535)),
        (y * width + x) * 3
      )
    }
  const untagged = `${path}.untagged.png`
  // A Uint16Array, so sharp reads 16-bit samples.
  await sharp(data, { raw: { width, height, channels: 3 } })
    .toColourspace('rgb16')
    .png()
    .toFile(untagged)
  execFileSync('convert', [untagged, '-profile', PROPHOTO_ICC, '-compress', 'zip', path])
  await rm(untagged)
  execFileSync('exiftool', ['-q', '-overwrite_original', '-Make=Host', '-Model=Edit In', '-ExifIFD:FNumber=4', path])
}
