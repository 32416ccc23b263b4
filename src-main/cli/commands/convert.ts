import { resolve } from 'node:path'
import { assertModeAvailable, convertPlanned, planBatch } from '../../engine/batch/batch'
import { createEngine } from '../../engine/pipeline/engine'
import { UnclipError } from '../../engine/errors'
import type { BatchResult } from '../../engine/types'
import type { ConvertArgs } from '../args'
import type { CliIo } from '../io'
import { createReporter } from '../reporters'
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK } from '../exit-codes'
import { engineOptions } from './engine-options'

/**
 * `unclip convert`: runs one batch and reports it.
 *
 * The first SIGINT cancels the batch (the current file stops at its next strip and its temp files
 * are removed) and exits 130; a second SIGINT exits at once for a user who will not wait.
 *
 * @returns 0 when every photo was converted; 1 when any failed or was skipped; 130 when interrupted
 * @throws {UnclipError} from planning the batch (missing input, or FILE_NOT_FOUND `No images found in ...`),
 *   an unavailable mode, or loading the engine (missing or corrupt model)
 */
export async function runConvert(args: ConvertArgs, io: CliIo): Promise<number> {
  assertModeAvailable(args.mode)
  const options = {
    outDir: args.outDir === undefined ? '' : resolve(args.outDir),
    outDirExplicit: args.outDir !== undefined,
    formats: args.formats,
    mode: args.mode,
    recursive: args.recursive,
    overwrite: args.overwrite,
    keepGps: args.keepGps
  }
  // Inputs are checked before the model loads: a typo should not wait for (or be hidden by) the model.
  const plan = await planBatch(args.inputs, options)
  if (plan.length === 0) throw new UnclipError('FILE_NOT_FOUND', `No images found in ${args.inputs.join(', ')}`)
  const controller = new AbortController()
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED)
    controller.abort()
  }
  process.on('SIGINT', onSigint)
  try {
    const engine = await createEngine(engineOptions(args))
    const reporter = createReporter(args.json, io.stdout, io.stderr)
    let result: BatchResult
    try {
      result = await convertPlanned(engine, plan, {
        ...options,
        signal: controller.signal,
        onProgress: (event) => reporter.progress(event)
      })
    } finally {
      await engine.dispose()
    }
    reporter.summary(result)
    return exitStatus(result)
  } finally {
    process.off('SIGINT', onSigint)
  }
}

function exitStatus(result: BatchResult): number {
  if (result.cancelled) return EXIT_INTERRUPTED
  const allConverted = result.converted.length > 0 && result.failed.length === 0 && result.skipped.length === 0
  return allConverted ? EXIT_OK : EXIT_FAILED
}
