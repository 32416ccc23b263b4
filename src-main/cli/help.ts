/** `--help` texts, with the options rendered from the option table (options.ts). */
import { INPUT_EXTENSIONS } from '../engine/domain/input-extensions'
import { CONVERT_OWN_OPTIONS, ENGINE_OPTIONS, HELP_OPTION, type OptionSpec } from './options'

const FLAG_COLUMN = 24

/** One option's help: `  -o, --out DIR       output folder`, continuation lines indented to the text column. */
function renderOption(name: string, spec: OptionSpec): string {
  const short = spec.short ? `-${spec.short}, ` : '    '
  const flag = `  ${short}--${name}${spec.value ? ` ${spec.value}` : ''}`
  const [first, ...rest] = spec.help
  const pad = ' '.repeat(FLAG_COLUMN)
  return [`${flag.padEnd(FLAG_COLUMN - 2)}  ${first}`, ...rest.map((line) => pad + line)].join('\n')
}

function renderOptions(table: Record<string, OptionSpec>): string {
  return Object.entries(table)
    .map(([name, spec]) => renderOption(name, spec))
    .join('\n')
}

const listed = `${INPUT_EXTENSIONS.slice(0, -1).join(', ')} and ${INPUT_EXTENSIONS.at(-1)}`

export const MAIN_HELP = `Usage: unclip <command> [options]

Turn ordinary photos into HDR images.

Commands:
  convert <files or folders...>   convert photos to .hdr, EXR, Ultra HDR JPEG, PNG or JPEG
  info                            show the model and execution provider in use

Options:
  -h, --help      show help ('unclip convert --help' for a command's options)
  -v, --version   show the version
`

export const CONVERT_HELP = `Usage: unclip convert <files or folders...> [options]

Folders contribute their ${listed} files.
Outputs go to unclip/ inside each folder (beside a single file) unless -o is given.
Existing outputs are never replaced without --overwrite; those photos are reported as skipped.

Options:
${renderOptions({ ...CONVERT_OWN_OPTIONS, ...ENGINE_OPTIONS, ...HELP_OPTION })}

Exit status: 0 when every photo was converted; 1 when any failed, was skipped or
could not be read, or nothing could be converted; 2 for a mistake in the command
line; 128 + the signal when interrupted (130 for Ctrl+C, 143 SIGTERM, 129 SIGHUP),
which stops at the next strip and leaves no partial files.
`

export const INFO_HELP = `Usage: unclip info [options]

Prints JSON: the model's name and version, the execution providers available,
the one chosen and why any others were not.

Options:
${renderOptions({ ...ENGINE_OPTIONS, ...HELP_OPTION })}
`
