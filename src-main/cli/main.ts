import { readFileSync } from 'node:fs'
import { toUnclipError } from '../engine/errors'
import { parseCommand, UsageError, type Command } from './args'
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE } from './exit-codes'
import { CONVERT_HELP, INFO_HELP, MAIN_HELP } from './help'
import type { CliIo } from './io'
import { printable, terminalJson } from './printable'

/**
 * The `unclip` command line. Errors become one friendly line on stderr (`unclip: File not found: /x.jpg`);
 * with `--json` they are also printed on stdout as `{"type":"error","code":...,"message":...}`.
 *
 * @param argv - arguments after the script name
 * @param io - output streams (the process's own by default)
 * @returns the exit status: 0 success, 1 failure, 2 usage error, 130 interrupted
 */
export async function main(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr }
): Promise<number> {
  let command: Command
  try {
    command = parseCommand(argv)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.stderr.write(`unclip: ${printable(error.message)}\nRun 'unclip --help' for usage.\n`)
    return EXIT_USAGE
  }
  try {
    return await run(command, io)
  } catch (thrown) {
    const error = toUnclipError(thrown)
    io.stderr.write(`unclip: ${printable(error.message)}\n`)
    if (command.name === 'convert' && command.args.json)
      io.stdout.write(`${terminalJson({ type: 'error', ...error.toJSON() })}\n`)
    if (error.code === 'CANCELLED') return EXIT_INTERRUPTED
    return error.code === 'INVALID_ARGUMENT' ? EXIT_USAGE : EXIT_FAILED
  }
}

/** Commands load the engine (onnxruntime, sharp) lazily so `--help` and usage errors answer at once. */
async function run(command: Command, io: CliIo): Promise<number> {
  switch (command.name) {
    case 'help':
      io.stdout.write(command.topic === 'convert' ? CONVERT_HELP : command.topic === 'info' ? INFO_HELP : MAIN_HELP)
      return EXIT_OK
    case 'version':
      io.stdout.write(`${version()}\n`)
      return EXIT_OK
    case 'convert':
      return (await import('./commands/convert')).runConvert(command.args, io)
    case 'info':
      return (await import('./commands/info')).runInfo(command.args, io)
  }
}

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  return manifest.version
}
