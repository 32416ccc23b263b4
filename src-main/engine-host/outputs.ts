/**
 * Writes files from an HDR prediction already in memory: the export formats and the 16-bit TIFF of
 * Save and return. Each file is written to a temporary name beside its target and renamed into
 * place, so a failure never leaves a truncated output.
 */
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, extname, join } from 'node:path'
import sharp from 'sharp'
import { UnclipError } from '../engine/errors'
import { encodeRadiance } from '../engine/radiance'
import { toneMapImage } from '../engine/tonemap'
import type { OutputFormat, RgbImage, ToneMapSettings } from '../engine/types'

/** Encodes `hdr` as one output format. */
export async function encodeOutput(hdr: RgbImage, format: OutputFormat | 'tiff16', tonemap: ToneMapSettings): Promise<Buffer> {
  if (format === 'hdr') return encodeRadiance(hdr)
  const raw = { width: hdr.width, height: hdr.height, channels: 3 as const }
  if (format === 'png') {
    const pixels = toneMapImage(hdr, tonemap, 8)
    return sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), { raw }).withIccProfile('srgb').png().toBuffer()
  }
  // sharp reads the sample depth from the typed array: a Uint16Array is 16-bit.
  const input = sharp(toneMapImage(hdr, tonemap, 16), { raw }).toColourspace('rgb16')
  return format === 'png16'
    ? input.withIccProfile('srgb').png().toBuffer()
    : input.withIccProfile('srgb').tiff({ compression: 'lzw', predictor: 'horizontal' }).toBuffer()
}

/** True when `path` exists. */
export async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false
  )
}

/** @throws {UnclipError} OUTPUT_EXISTS when `target` exists. */
export async function refuseExisting(target: string): Promise<void> {
  if (await exists(target)) throw new UnclipError('OUTPUT_EXISTS', `${target} already exists; turn on Overwrite to replace it.`)
}

/**
 * Writes `bytes` to `target` via a temporary file and rename.
 * @throws {UnclipError} OUTPUT_EXISTS (without `overwrite`), OUTPUT_NOT_WRITABLE, DISK_FULL.
 */
export async function writeOutput(target: string, bytes: Buffer, overwrite: boolean): Promise<void> {
  if (!overwrite) await refuseExisting(target)
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.partial`)
  try {
    await mkdir(dirname(target), { recursive: true })
    await writeFile(temp, bytes)
    await rename(temp, target)
  } catch (error) {
    await rm(temp, { force: true })
    throw writeError(error, target)
  }
}

function writeError(error: unknown, target: string): UnclipError {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOSPC') return new UnclipError('DISK_FULL', `The disk is full; could not write ${target}.`, { cause: error })
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR') {
    return new UnclipError('OUTPUT_NOT_WRITABLE', `Cannot write ${target}: choose another output folder.`, { cause: error })
  }
  return new UnclipError('INTERNAL', `Could not write ${target}: ${(error as Error).message}`, { cause: error })
}

/** `<folder>/<name>-unclip.tif` beside the original. */
export function saveAndReturnPath(original: string): string {
  return join(dirname(original), `${basename(original, extname(original))}-unclip.tif`)
}

/** Save and return may replace only TIFF originals: writing TIFF bytes into a .jpg would corrupt it. */
export function canReplaceOriginal(original: string): boolean {
  return ['.tif', '.tiff'].includes(extname(original).toLowerCase())
}
