import { constants } from 'node:os'
import { resolve } from 'node:path'
import { assertModeAvailable, convertPlanned, planBatch } from '../../engine/batch/batch'
import { planInPlace } from '../../engine/batch/in-place'
import { startEngine } from '../../engine/pipeline/engine'
import { UnclipError } from '../../engine/errors'
import { DEFAULT_TONEMAP } from '../../engine/imaging/tonemap'
import type { BatchResult, BatchWarning } from '../../engine/types'
import type { ConvertArgs } from '../args'
import type { CliIo } from '../io'
import { createReporter } from '../reporters'
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK } from '../exit-codes'
import { engineOptions } from './engine-options'

/**
 * `unclip convert`: runs one batch and reports it.
 *
 * The first SIGINT, SIGTERM or SIGHUP (Ctrl+C, `kill`, a closed terminal) cancels the batch: the
 * current file stops at its next strip and its temporary files are removed; the exit status is
 * 128 + the signal's number (130 for SIGINT). A second signal exits at once for a user who will not
 * wait; the temporary files registered so far are still removed on the way out.
 *
 * @returns 0 when every photo was converted; 1 when any failed or was skipped (unreadable ones too); 128 + signal when interrupted
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
    keepGps: args.keepGps,
    tonemap: args.whitePoint === 'auto' ? DEFAULT_TONEMAP : { ...DEFAULT_TONEMAP, whitePoint: args.whitePoint },
    autoWhitePoint: args.whitePoint === 'auto'
  }
  const reporter = createReporter(args.json, io.stdout, io.stderr)
  const warnings: BatchWarning[] = []
  // Inputs are checked before the model loads: a typo should not wait for (or be hidden by) the model.
  const plan = args.inPlace
    ? await planInPlace(args.inputs)
    : await planBatch(args.inputs, {
        ...options,
        onWarning: (warning) => {
          warnings.push(warning)
          reporter.warning(warning)
        }
      })
  if (plan.length === 0) throw new UnclipError('FILE_NOT_FOUND', `No images found in ${args.inputs.join(', ')}`)
  const controller = new AbortController()
  let signalled: NodeJS.Signals | undefined
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(exitForSignal(signal))
    signalled = signal
    controller.abort()
  }
  for (const signal of CANCEL_SIGNALS) process.on(signal, onSignal)
  try {
    // No warm-up conversion: one photo gains nothing from it (measured at 12 MP: the same conversion time,
    // 0.35 s more loading), nor does a batch (a folder of three 12 MP photos, paired runs: 1.1-1.6 CPU-s
    // less without it, wall time lower in 2 of 3), and the first decode starts sooner.
    // The first photo decodes while the model's session opens; a model that cannot be loaded is
    // still the run's error (`convertPlanned` reports no photo before the engine is ready).
    const engine = await startEngine({ ...engineOptions(args), warmUp: false })
    let result: BatchResult
    try {
      result = await convertPlanned(engine, plan, {
        ...options,
        signal: controller.signal,
        onProgress: (event) => reporter.progress(event)
      })
    } finally {
      await engine.ready.then(
        (loaded) => loaded.dispose(),
        () => undefined
      )
    }
    if (warnings.length > 0) result = { ...result, warnings }
    reporter.summary(result)
    return result.cancelled && signalled ? exitForSignal(signalled) : exitStatus(result)
  } finally {
    for (const signal of CANCEL_SIGNALS) process.off(signal, onSignal)
  }
}

/** Signals that cancel a batch like Ctrl+C: an interrupt, a polite kill, a closed terminal. */
const CANCEL_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

/** The shell's convention: 128 + the signal's number (130 for SIGINT, 143 SIGTERM, 129 SIGHUP). */
function exitForSignal(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? EXIT_INTERRUPTED : 128 + constants.signals[signal]
}

function exitStatus(result: BatchResult): number {
  if (result.cancelled) return EXIT_INTERRUPTED
  const allConverted =
    result.converted.length > 0 &&
    result.failed.length === 0 &&
    result.skipped.length === 0 &&
    (result.warnings ?? []).length === 0
  return allConverted ? EXIT_OK : EXIT_FAILED
}
