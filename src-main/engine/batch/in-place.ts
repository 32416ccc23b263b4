/**
 * The photo editors' round trip (`unclip convert --in-place`, the contract of Lightroom's "Edit In",
 * Capture One's "Edit With", darktable's external editor): the host hands over a file and picks it up
 * again. A TIFF is replaced by its result, atomically (the commit's temporary file sits in the same
 * folder, and the original stays until the new file is complete); any other photo, such as a camera
 * JPEG opened with "Open with", is never replaced: its result goes beside it as `<name>-unclip.tif`.
 */
import { stat } from 'node:fs/promises'
import { basename, dirname, extname, join, resolve } from 'node:path'
import { UnclipError } from '../errors'
import type { PlannedFile } from './batch-plan'

const TIFF_EXTENSIONS = new Set(['.tif', '.tiff'])

/**
 * Plans the round trip for explicit files.
 * @param inputs Files as the user or host named them.
 * @returns One planned file each, with its exact `target`; `replace` for the TIFFs written in place.
 * @throws UnclipError `FILE_NOT_FOUND` for a missing input, `INVALID_ARGUMENT` for a folder.
 */
export async function planInPlace(inputs: string[]): Promise<PlannedFile[]> {
  const planned: PlannedFile[] = []
  for (const input of inputs) {
    const path = resolve(input)
    const stats = await stat(path).catch(() => undefined)
    if (!stats) throw new UnclipError('FILE_NOT_FOUND', `File not found: ${path}`)
    if (!stats.isFile()) throw new UnclipError('INVALID_ARGUMENT', `--in-place takes files, not folders: ${path}`)
    const inPlace = TIFF_EXTENSIONS.has(extname(path).toLowerCase())
    const name = basename(path, extname(path))
    planned.push({
      input: path,
      outputBase: join(dirname(path), name),
      target: inPlace ? path : join(dirname(path), `${name}-unclip.tif`),
      replace: inPlace
    })
  }
  return planned
}
