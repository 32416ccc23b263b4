import { resolve } from 'node:path'
import type { EngineArgs } from '../args'
import type { EngineOptions } from '../../engine/pipeline/engine'

/** The installed app's models folder and strip worker, when the CLI runs inside it (`cli-mode.ts`). */
let installed: { modelsDir: string; stripWorker: string } | undefined

/** Makes the installed app's models and strip worker the defaults (`Unclip --cli`). */
export function useInstalledPaths(paths: { modelsDir: string; stripWorker: string }): void {
  installed = paths
}

/** `createEngine`'s options from the shared CLI flags; `--models-dir` is relative to the working directory. */
export function engineOptions(
  args: EngineArgs
): Pick<EngineOptions, 'modelsDir' | 'model' | 'provider' | 'stripWorkers'> {
  const modelsDir = args.modelsDir === undefined ? installed?.modelsDir : resolve(args.modelsDir)
  return {
    ...(modelsDir === undefined ? {} : { modelsDir }),
    ...(args.model === undefined ? {} : { model: args.model }),
    ...(args.provider === undefined ? {} : { provider: args.provider }),
    ...(installed ? { stripWorkers: { entry: installed.stripWorker } } : {})
  }
}
