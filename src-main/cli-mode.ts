/**
 * `Unclip --cli <command> …`: the installed app's own command line, for the Lightroom plug-in and
 * scripts on machines without Node. The launcher in `resources/bin` (build/cli/) starts the app's
 * executable this way; the CLI then runs in the main process with the app's models and strip worker,
 * and no window. (ELECTRON_RUN_AS_NODE stays fused off: this is the only other way in.)
 */
import type { CliIo } from './cli/io'

/** The flag the launcher passes first. */
export const CLI_FLAG = '--cli'

/**
 * The CLI's arguments when the app was started in CLI mode.
 * @param argv `process.argv` of the app.
 * @returns What follows `--cli`, or undefined for a normal (windowed) start.
 */
export function cliArguments(argv: readonly string[]): string[] | undefined {
  const at = argv.indexOf(CLI_FLAG)
  return at < 0 ? undefined : argv.slice(at + 1)
}

/**
 * Runs the CLI with the installed app's models and strip worker (a `--models-dir` given still wins).
 * @returns The exit status.
 */
export async function runInstalledCli(
  argv: string[],
  installed: { modelsDir: string; stripWorker: string },
  io?: CliIo
): Promise<number> {
  // Loaded only in CLI mode: the windowed app's start-up does not pay for the engine's modules.
  const [{ main }, { useInstalledPaths }] = await Promise.all([
    import('./cli/main'),
    import('./cli/commands/engine-options')
  ])
  useInstalledPaths(installed)
  return main(argv, io)
}
