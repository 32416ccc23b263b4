/**
 * Folders remembered from earlier sessions (last folder, recent folders, export folder), granted
 * again at launch only while they still are what the user chose: an existing folder, not a
 * file-system root or the home folder itself. One that was deleted, or replaced by a file, is not.
 */
import { stat } from 'node:fs/promises'
import type { Settings } from '../../src-preload/contract'
import { isTooBroad, type PathGuard } from './path-guard'

/**
 * Grants the saved folders that still exist as folders.
 * @returns The folders granted.
 */
export async function regrantSavedFolders(guard: PathGuard, settings: Settings): Promise<string[]> {
  const granted: string[] = []
  for (const folder of new Set([settings.lastFolder, settings.export.outDir, ...settings.recentFolders])) {
    if (!folder || isTooBroad(folder)) continue
    const stats = await stat(folder).catch(() => undefined)
    if (!stats?.isDirectory()) continue
    guard.grant(folder, 'tree')
    granted.push(folder)
  }
  return granted
}
