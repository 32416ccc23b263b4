import { createEngine } from '../../engine/pipeline/engine'
import type { EngineArgs } from '../args'
import type { CliIo } from '../io'
import { engineOptions } from './engine-options'

/**
 * `unclip info`: loads the engine as `convert` would and prints its EngineInfo as JSON on stdout
 * (model name and version, providers available, the provider chosen and why others fell back).
 *
 * @returns the exit status, 0
 * @throws {UnclipError} MODEL_MISSING, MODEL_CORRUPT or PROVIDER_UNAVAILABLE from `createEngine`
 */
export async function runInfo(args: EngineArgs, io: CliIo): Promise<number> {
  // Strip threads and the warm-up conversion are for converting; info only reports.
  const engine = await createEngine({ ...engineOptions(args), stripWorkers: false, warmUp: false })
  try {
    io.stdout.write(`${JSON.stringify(engine.info, null, 2)}\n`)
    return 0
  } finally {
    await engine.dispose()
  }
}
