import { resolve } from 'node:path'
import type { EngineArgs } from '../args'
import type { ProviderName } from '../../engine/types'

/** `createEngine`'s options from the shared CLI flags; `--models-dir` is relative to the working directory. */
export function engineOptions(args: EngineArgs): { modelsDir?: string; model?: string; provider?: ProviderName } {
  return {
    ...(args.modelsDir === undefined ? {} : { modelsDir: resolve(args.modelsDir) }),
    ...(args.model === undefined ? {} : { model: args.model }),
    ...(args.provider === undefined ? {} : { provider: args.provider })
  }
}
