/**
 * Writes files from a prediction already in memory: the export formats and the 16-bit TIFF of Save
 * and return, through the engine's own output writers (so EXIF, ICC and naming match the batch).
 * Files appear only complete (`file-commit.ts`).
 */
import { access } from 'node:fs/promises'
import { basename, dirname, extname, join } from 'node:path'
import { outputPathFor } from '../engine/pipeline/convert'
import { UnclipError } from '../engine/errors'
import type { ProtectedFiles } from '../engine/pipeline/writers/file-commit'
import { writeOutputs, writeStep, type OutputTarget } from '../engine/pipeline/writers/write-outputs'
import type { WriterContext } from '../engine/pipeline/writers/temp-file-writer'
import type { OutputFormat, ToneMapSettings } from '../engine/types'
import { imageFor, toneFor, type Prediction } from './prediction'

/** True when `path` exists. */
export async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false
  )
}

/** @throws {UnclipError} OUTPUT_EXISTS when `target` exists. */
export async function refuseExisting(target: string): Promise<void> {
  if (await exists(target))
    throw new UnclipError('OUTPUT_EXISTS', `${target} already exists; tick "Replace existing files" to replace it.`)
}

/** Output paths for one input, as the batch names them. */
export function exportTargets(outputBase: string, formats: OutputFormat[]): OutputTarget[] {
  return formats.map((format) => ({ format, path: outputPathFor(outputBase, format) }))
}

/**
 * "Keep both": the targets of the first `<name>-2`, `<name>-3`… whose files all do not exist yet, so
 * a second export sits beside the first instead of replacing it.
 */
export async function keepBothTargets(outputBase: string, formats: OutputFormat[]): Promise<OutputTarget[]> {
  for (let n = 2; ; n++) {
    const targets = exportTargets(`${outputBase}-${n}`, formats)
    if (!(await Promise.all(targets.map((t) => exists(t.path)))).some(Boolean)) return targets
  }
}

/**
 * Writes every export format of `prediction`, each fed the image `convertFile` would feed it, through
 * the same writer lifecycle as the batch: all files or none.
 * @param options `tonemap` applies in HDR mode only; `protect` holds the files never to replace.
 * @throws {UnclipError} OUTPUT_EXISTS (without `overwrite`), OUTPUT_NOT_WRITABLE, DISK_FULL.
 */
export async function writeExports(
  prediction: Prediction,
  targets: OutputTarget[],
  options: {
    tonemap: ToneMapSettings
    exif?: Buffer
    overwrite: boolean
    protect?: ProtectedFiles
    /** TIFFs only: hand the photo back in its own colour space / bit depth (see `WriterContext`). */
    sourceColour?: WriterContext['sourceColour']
    tiffBits?: 8 | 16
    keepGps?: boolean
    jpegQuality?: number
  }
): Promise<string[]> {
  if (!options.overwrite) for (const { path } of targets) await refuseExisting(path)
  const { width, height } = prediction.linear
  const context = {
    width,
    height,
    tonemap: toneFor(prediction, options.tonemap),
    exif: options.exif,
    keepGps: options.keepGps ?? false,
    jpegQuality: options.jpegQuality,
    overwrite: options.overwrite,
    protect: options.protect,
    sourceColour: options.sourceColour,
    tiffBits: options.tiffBits,
    timings: {}
  }
  return writeOutputs(targets, context, async (writers) => {
    for (const writer of writers) await writeStep(writer, () => writer.add(imageFor(prediction, writer.format)))
  })
}

/** `<folder>/<name>-unclip.tif` beside the original. */
export function saveAndReturnPath(original: string): string {
  return join(dirname(original), `${basename(original, extname(original))}-unclip.tif`)
}

/** Save and return may replace only TIFF originals: writing TIFF bytes into a .jpg would corrupt it. */
export function canReplaceOriginal(original: string): boolean {
  return ['.tif', '.tiff'].includes(extname(original).toLowerCase())
}

/**
 * Refuses, before anything is computed, a Save and return that would replace `original` when it may
 * not: it is not a TIFF, or the user has not confirmed. Only the main process, after the user's
 * consent (a native dialog, or the editor handing the file over for exactly this), may replace an
 * existing file.
 * @throws UnclipError `INVALID_ARGUMENT` naming the file; nothing was written.
 */
export function assertMayReplace(original: string, confirmReplace?: boolean, replaceConfirmed?: boolean): void {
  if (confirmReplace && !canReplaceOriginal(original)) {
    throw new UnclipError(
      'INVALID_ARGUMENT',
      `Only TIFF originals can be replaced; ${original} is kept and nothing was written.`
    )
  }
  if (confirmReplace && !replaceConfirmed)
    throw new UnclipError(
      'INVALID_ARGUMENT',
      `Replacing ${original} needs the user's confirmation; nothing was written.`
    )
}
