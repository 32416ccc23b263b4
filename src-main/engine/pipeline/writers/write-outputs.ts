/**
 * The writer lifecycle every producer of outputs goes through (`convertFile` strip by strip, the
 * app's export from a prediction in memory): create the folders and writers, let the caller feed
 * them, finish them all, commit them all together; on any failure or cancel, wait for every writer
 * and remove every temporary file.
 */
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { throwIfAborted, toUnclipError } from '../../errors'
import { writeError } from '../../fs-errors'
import type { OutputFormat } from '../../types'
import { commitFiles, removeStaleTemps } from './file-commit'
import { createOutputWriter, type OutputWriter, type WriterContext } from './output-writer'
import { addTime } from './temp-file-writer'

/** One output file to produce. */
export interface OutputTarget {
  format: OutputFormat
  path: string
}

export interface WriteOutputsOptions {
  signal?: AbortSignal
  /** Called as the writers start finishing (`encode`) and as the files are committed (`write`). */
  onStage?: (stage: 'encode' | 'write') => void
}

/**
 * Produces every target, all or none.
 * @param targets The files to write; their folders are created, and stale temporary files of dead
 *   Unclip processes in them removed.
 * @param context Shared writer settings; `overwrite` and `protect` govern the commit.
 * @param fill Feeds the writers (through `writeStep`, so file-system errors name the file).
 * @returns The paths written, in the order of `targets`.
 * @throws UnclipError from `fill`, the writers, or the commit (`OUTPUT_EXISTS`, `OUTPUT_NOT_WRITABLE`,
 *   `DISK_FULL`), or `CANCELLED`; nothing is left behind.
 */
export async function writeOutputs(
  targets: OutputTarget[],
  context: WriterContext,
  fill: (writers: OutputWriter[]) => Promise<void>,
  options: WriteOutputsOptions = {}
): Promise<string[]> {
  const writers: OutputWriter[] = []
  try {
    const started = performance.now()
    for (const dir of new Set(targets.map((target) => path.dirname(target.path)))) {
      await mkdir(dir, { recursive: true }).catch((error: unknown) => {
        throw writeError(error, dir, dir)
      })
      await removeStaleTemps(dir)
    }
    addTime(context.timings, 'write', started)
    for (const target of targets) writers.push(createOutputWriter(target.format, target.path, context))
    await fill(writers)
    throwIfAborted(options.signal)
    options.onStage?.('encode')
    // Finished together (PNG and JPEG encodes overlap in sharp's threads); a failure is thrown only
    // once every writer has stopped, so none writes a temporary file after the cleanup below.
    const finished = await Promise.allSettled(writers.map((writer) => writeStep(writer, () => writer.finish())))
    const failure = finished.find((result) => result.status === 'rejected')
    if (failure) throw failure.reason
    throwIfAborted(options.signal)
    options.onStage?.('write')
    const committing = performance.now()
    await commitFiles(writers, context)
    addTime(context.timings, 'write', committing)
    return targets.map((target) => target.path)
  } catch (error) {
    await Promise.allSettled(writers.map((writer) => writer.discard()))
    throw toUnclipError(error)
  }
}

/**
 * Runs one writer step, turning a file-system error into a sentence naming the writer's file.
 * @throws UnclipError `OUTPUT_NOT_WRITABLE` or `DISK_FULL` for file-system errors; others unchanged.
 */
export async function writeStep(writer: OutputWriter, step: () => Promise<void>): Promise<void> {
  try {
    await step()
  } catch (error) {
    throw writeError(error, path.dirname(writer.finalPath), writer.finalPath)
  }
}
