/**
 * File-system answers the UI needs without the engine: image files in a folder, and thumbnails.
 */
import { readdir, stat } from 'node:fs/promises'
import { extname, join } from 'node:path'
import sharp from 'sharp'
import type { FolderEntry, Thumbnail } from '../../src-preload/contract'
import { DEFAULT_OUT_DIR_NAME } from '../engine/batch/batch-plan'
import { SUPPORTED_EXTENSIONS } from '../engine/domain/input-extensions'
import { UnclipError } from '../engine/errors'

/** Listing stops here so a mistaken pick of `/` cannot hang the UI. */
export const MAX_FOLDER_ENTRIES = 20_000

/**
 * Image files in `folder` (and sub-folders when `recursive`), sorted by path. Hidden entries and
 * Unclip's own `unclip/` output folders are skipped.
 * @throws {UnclipError} FILE_NOT_FOUND when the folder does not exist or is not a folder.
 */
export async function listImages(folder: string, recursive: boolean): Promise<FolderEntry[]> {
  const entries: FolderEntry[] = []
  const walk = async (dir: string, top: boolean): Promise<void> => {
    let names
    try {
      names = await readdir(dir, { withFileTypes: true })
    } catch (error) {
      if (top) throw new UnclipError('FILE_NOT_FOUND', `Folder not found: ${dir}`, { cause: error })
      return // an unreadable sub-folder is skipped, not fatal
    }
    for (const entry of names) {
      if (entries.length >= MAX_FOLDER_ENTRIES || entry.name.startsWith('.')) continue
      const path = join(dir, entry.name)
      if (entry.isDirectory()) {
        if (recursive && entry.name !== DEFAULT_OUT_DIR_NAME) await walk(path, false)
      } else if (entry.isFile() && SUPPORTED_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
        const stats = await stat(path).catch(() => undefined)
        if (stats) entries.push({ path, name: entry.name, size: stats.size, mtimeMs: stats.mtimeMs })
      }
    }
  }
  await walk(folder, true)
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

/**
 * JPEG thumbnail, orientation applied, long side at most `maxSide`.
 * @throws {UnclipError} FILE_NOT_FOUND, NOT_AN_IMAGE.
 */
export async function thumbnail(path: string, maxSide: number): Promise<Thumbnail> {
  await stat(path).catch((error: unknown) => {
    throw new UnclipError('FILE_NOT_FOUND', `File not found: ${path}`, { cause: error })
  })
  try {
    const bytes = await sharp(path, { limitInputPixels: 200_000_000 })
      .rotate()
      .resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 80 })
      .toBuffer()
    return { mime: 'image/jpeg', bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) }
  } catch (error) {
    throw new UnclipError('NOT_AN_IMAGE', `Not an image, or a format Unclip cannot read: ${path}`, { cause: error })
  }
}
