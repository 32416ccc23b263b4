import { access } from 'node:fs/promises'
import { dirname } from 'node:path'
import { convertFile, outputPathFor, type ConvertFileOptions } from '../pipeline/convert'
import type { Engine, EngineLoading } from '../pipeline/engine'
import { toUnclipError, UnclipError } from '../errors'
import { planBatch, type PlannedFile } from './batch-plan'
import { MODES } from '../domain/modes'
import { ProtectedFiles } from '../pipeline/writers/file-commit'
import type { BatchOptions, BatchResult, BatchWarning, ConvertResult, Mode, ProgressEvent, Stage } from '../types'
import { OrderedEvents } from './ordered-events'

export { planBatch, type PlannedFile } from './batch-plan'

const FINAL_STAGES: ReadonlySet<Stage> = new Set(['done', 'failed', 'skipped'])
/**
 * Photos up to this size overlap with the next one; larger ones run alone, so a batch of 100 MP
 * photos peaks no higher than one such photo (two 40 MP photos in flight hold ~0.5 GB more).
 */
const OVERLAP_MAX_PIXELS = 40e6

type BeforeStrips = NonNullable<ConvertFileOptions['beforeStrips']>
/** How one photo of a batch ended, recorded in photo order. */
type Outcome =
  | { kind: 'done'; converted: ConvertResult }
  | { kind: 'skipped' }
  | { kind: 'failed'; error: UnclipError }
  | { kind: 'cancelled' }

/**
 * Converts files and folders, in order. Two photos overlap: the next one is decoded and run through
 * the model while the current one's strips are encoded (each photo's outputs still land in order).
 *
 * - Outputs are planned by `planBatch` (default `unclip/` folders, recursion, name clashes).
 * - A photo whose outputs already exist is not converted unless `overwrite`: it is listed in
 *   `skipped` (not `failed`), and its existing files are left byte-for-byte untouched.
 * - A photo that fails is listed in `failed` with its error's code and message; the batch goes on
 *   (after DISK_FULL too: smaller photos may still fit).
 * - Progress: `queued` (fraction 0) as a photo starts, every event `convertFile` reports, then
 *   exactly one final event per photo with stage `done`, `failed` or `skipped` (fraction 1). The
 *   photo being converted when the batch is cancelled gets no final event; the result's
 *   `cancelled` says why the batch ended.
 * - Nothing is written over an input or an earlier output of the batch, compared by identity
 *   (device and inode), even with `overwrite` and whatever path spelling reaches it.
 * - Unreadable folders and files are skipped and listed in `warnings`; `done` events carry the
 *   outputs and `failed` events the error, so a record survives a crash of the process running it.
 * - Cancel: once `signal` fires, the current conversion stops at its next strip (its temp files are
 *   removed by `convertFile`), no further photo starts, and the result has `cancelled: true`.
 *   Photos finished before the cancel keep their outputs. Cancelling never throws.
 *
 * @param engine - a loaded engine from `createEngine`
 * @param inputs - file and folder paths (relative ones resolve against the working directory)
 * @param options - batch options; `outDir` is used only when `outDirExplicit` is true
 * @returns converted, failed and skipped photos, and whether the batch was cancelled
 * @throws {UnclipError} INVALID_ARGUMENT for nonsense options (no inputs, unknown format or mode, relative `-o`)
 * @throws {UnclipError} FILE_NOT_FOUND when an input path does not exist (nothing is converted)
 * @example
 * const result = await convertBatch(engine, ['/photos'], {
 *   outDir: '', formats: ['hdr', 'png'], mode: 'hdr', overwrite: false, recursive: true, signal
 * })
 */
export async function convertBatch(engine: Engine, inputs: string[], options: BatchOptions): Promise<BatchResult> {
  validateBatchOptions(options)
  const warnings: BatchWarning[] = []
  const plan = await planBatch(inputs, {
    ...options,
    onWarning: (warning) => {
      warnings.push(warning)
      options.onWarning?.(warning)
    }
  })
  const result = await convertPlanned(engine, plan, options)
  return warnings.length > 0 ? { ...result, warnings } : result
}

/**
 * Converts an already planned batch (see `planBatch`), as `convertBatch` does. Lets a caller check
 * the inputs, and say that a folder holds no images, before loading a model.
 *
 * @param engine - a loaded engine, or one still loading (`startEngine`): the first photo is decoded
 *   meanwhile, and no photo's outcome is reported before the engine is ready
 * @param plan - the files and output bases from `planBatch` with the same options
 * @param options - batch options
 * @returns as `convertBatch`
 * @throws {UnclipError} INVALID_ARGUMENT as `convertBatch`; a loading engine's error (a model that
 *   cannot be loaded), whatever the photos did meanwhile
 */
export async function convertPlanned(
  engine: Engine | EngineLoading,
  plan: PlannedFile[],
  options: BatchOptions
): Promise<BatchResult> {
  validateBatchOptions(options)
  const ready = 'ready' in engine ? engine.ready : Promise.resolve(engine)
  let engineFailed = false
  ready.catch(() => (engineFailed = true))
  const result: BatchResult = { converted: [], failed: [], skipped: [], cancelled: false }
  const { signal } = options
  const total = plan.length
  const events = new OrderedEvents(options.onProgress)
  const emit = (index: number, file: string, stage: Stage, fraction: number, more?: Partial<ProgressEvent>): void =>
    events.emit({ index, total, file, stage, fraction, ...more })
  // Never written over, whatever path reaches them: the inputs, then each photo's outputs.
  const protect = new ProtectedFiles()
  // An editor's TIFF replaced in place is the one input the user asked to have replaced.
  for (const file of plan) if (!(file.replace && file.target === file.input)) await protect.add(file.input)

  const convertOne = async (index: number, file: PlannedFile, beforeStrips: BeforeStrips): Promise<Outcome> => {
    emit(index, file.input, 'queued', 0)
    const overwrite = options.overwrite || file.replace === true
    if (!overwrite && (await anyOutputExists(file, options))) return { kind: 'skipped' }
    try {
      const converted = await convertFile(engine, file.input, {
        ...options,
        overwrite,
        outDir: dirname(file.outputBase),
        outputBase: file.outputBase,
        targetPath: file.target,
        matchInputDepth: file.replace === true,
        index,
        total,
        protect,
        beforeStrips,
        onProgress: (event: ProgressEvent) => {
          if (!FINAL_STAGES.has(event.stage)) events.emit(event)
        }
      })
      return { kind: 'done', converted }
    } catch (thrown) {
      const error = toUnclipError(thrown)
      if (error.code === 'CANCELLED') return { kind: 'cancelled' }
      // Another process may create the outputs between our check and the write; still not ours to replace.
      if (error.code === 'OUTPUT_EXISTS') return { kind: 'skipped' }
      return { kind: 'failed', error }
    }
  }

  let cancelled = false
  const record = (index: number, file: PlannedFile, outcome: Outcome): void => {
    // A photo still in flight when the batch was cancelled gets no final event, as the cancelled one.
    if (cancelled || outcome.kind === 'cancelled') {
      cancelled = true
      events.drop(index)
      return
    }
    if (outcome.kind === 'skipped') {
      result.skipped.push(file.input)
      emit(index, file.input, 'skipped', 1)
    } else if (outcome.kind === 'done') {
      result.converted.push(outcome.converted)
      emit(index, file.input, 'done', 1, { outputs: outcome.converted.outputs })
    } else {
      result.failed.push({ input: file.input, error: outcome.error.toJSON() })
      emit(index, file.input, 'failed', 1, { error: outcome.error.toJSON() })
    }
  }

  // Two photos in flight at most: the next is decoded and run through the model while the current
  // one's strips are upsampled and encoded, then waits for it before its own strips (and commit).
  let recorded: Promise<void> = Promise.resolve()
  for (const [index, file] of plan.entries()) {
    if (index < (options.startAt ?? 0)) continue
    if (engineFailed) break
    if (signal?.aborted || cancelled) {
      cancelled = true
      break
    }
    let reachedStrips = (): void => undefined
    const inStrips = new Promise<void>((resolve) => (reachedStrips = resolve))
    let takeTurn = (): void => undefined
    // Every earlier photo recorded and this one's held events sent: only then are its strips (and
    // temporary files) started, so what a listener has seen is never behind what is on disk.
    const turn = new Promise<void>((resolve) => (takeTurn = resolve))
    const outcome = convertOne(index, file, async ({ width, height }) => {
      await turn
      if (width * height <= OVERLAP_MAX_PIXELS) reachedStrips()
    })
    recorded = recorded.then(async () => {
      events.begin(index)
      takeTurn()
      const settled = await outcome
      // A model that cannot be loaded is the batch's error, not this photo's.
      await ready
      record(index, file, settled)
    })
    // Awaited below; marked handled now, as a failed engine may reject it while the loop still runs.
    recorded.catch(() => undefined)
    await Promise.race([inStrips, outcome])
  }
  await recorded
  result.cancelled = cancelled
  return result
}

function validateBatchOptions(options: BatchOptions): void {
  if (options === null || typeof options !== 'object') {
    throw new UnclipError('INVALID_ARGUMENT', 'Expected an options object for the batch')
  }
  assertModeAvailable(options.mode)
  if (typeof options.overwrite !== 'boolean') {
    throw new UnclipError('INVALID_ARGUMENT', `Expected boolean for overwrite but received ${typeof options.overwrite}`)
  }
}

/**
 * Refuses unknown modes, so callers (CLI, IPC) can fail before loading an engine. Both modes run
 * on every model: low light post-processes the HDR prediction (`lowlight.ts`).
 *
 * @param mode - the requested mode, unchecked
 * @throws {UnclipError} INVALID_ARGUMENT for anything but `hdr` and `lowlight`
 */
export function assertModeAvailable(mode: Mode): void {
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new UnclipError('INVALID_ARGUMENT', `Unknown mode "${String(mode)}"; expected ${MODES.join(' or ')}`)
  }
}

async function anyOutputExists(file: PlannedFile, options: BatchOptions): Promise<boolean> {
  for (const format of options.formats) {
    try {
      await access(file.target ?? outputPathFor(file.outputBase, format))
      return true
    } catch {
      // Absent (or unreadable, which convertFile reports precisely when it tries to write).
    }
  }
  return false
}
