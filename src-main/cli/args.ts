import { parseArgs } from 'node:util'
import { DEFAULT_FORMATS, OUTPUT_FORMATS } from '../engine/domain/formats'
import { MODES } from '../engine/domain/modes'
import { PROVIDER_NAMES } from '../engine/domain/provider-names'
import { TONE_LIMITS } from '../engine/domain/tone-limits'
import type { Mode, OutputFormat, ProviderName } from '../engine/types'
import { CONVERT_OPTIONS, INFO_OPTIONS } from './options'

/** A mistake in the command line itself: printed with a pointer to `--help`, exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** Options every engine-loading command takes. */
export interface EngineArgs {
  model?: string
  modelsDir?: string
  provider?: ProviderName
}

export interface ConvertArgs extends EngineArgs {
  inputs: string[]
  outDir?: string
  formats: OutputFormat[]
  mode: Mode
  recursive: boolean
  overwrite: boolean
  /** The photo-editor round trip: TIFFs replaced by their result, other photos get `<name>-unclip.tif`. */
  inPlace: boolean
  /** Keep the photo's GPS location in the outputs' metadata. */
  keepGps: boolean
  /** White point of the display-referred outputs, or each result's own peak. */
  whitePoint: number | 'auto'
  json: boolean
}

export type Command =
  | { name: 'help'; topic?: 'convert' | 'info' }
  | { name: 'version' }
  | { name: 'convert'; args: ConvertArgs }
  | { name: 'info'; args: EngineArgs }

/**
 * Turns `process.argv.slice(2)` into a command.
 *
 * @param argv - the arguments after the script name
 * @returns the command to run, with defaults filled in
 * @throws {UsageError} for unknown commands or options, missing values and values out of range
 */
export function parseCommand(argv: string[]): Command {
  const [first, ...rest] = argv
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined
    return { name: 'help', topic: topic === 'convert' || topic === 'info' ? topic : undefined }
  }
  if (first === '--version' || first === '-v') return { name: 'version' }
  if (first === 'convert') return parseConvert(rest)
  if (first === 'info') return parseInfo(rest)
  if (first.startsWith('-'))
    throw new UsageError(`Unknown option '${first}'; expected a command first (convert or info)`)
  throw new UsageError(`Unknown command '${first}'; expected convert or info`)
}

/** What `--in-place` writes: the editor's TIFF comes back as a TIFF (the first is the default). */
const IN_PLACE_FORMATS: readonly OutputFormat[] = ['tif16', 'tif32']

function checkInPlace(values: { out?: string; recursive?: boolean; format?: string }): void {
  if (values.out !== undefined) throw new UsageError('--in-place writes beside each photo; it takes no --out')
  if (values.recursive) throw new UsageError('--in-place takes files, not folders; it takes no --recursive')
  if (values.format !== undefined && !IN_PLACE_FORMATS.includes(values.format as OutputFormat))
    throw new UsageError(`--in-place writes ${IN_PLACE_FORMATS.join(' or ')}, not '${values.format}'`)
}

function parseConvert(argv: string[]): Command {
  const { values, positionals } = parse(argv, CONVERT_OPTIONS)
  if (values.help) return { name: 'help', topic: 'convert' }
  if (positionals.length === 0) throw new UsageError('Expected at least one file or folder to convert')
  const inPlace = values['in-place'] ?? false
  if (inPlace) checkInPlace(values)
  return {
    name: 'convert',
    args: {
      ...engineArgs(values),
      inputs: positionals,
      outDir: nonEmpty(values.out, '--out'),
      formats: parseFormats(values.format ?? (inPlace ? IN_PLACE_FORMATS[0] : DEFAULT_FORMATS.join(','))),
      mode: oneOf(values.mode ?? MODES[0], MODES, '--mode'),
      recursive: values.recursive ?? false,
      overwrite: values.overwrite ?? false,
      inPlace,
      keepGps: values['keep-gps'] ?? false,
      whitePoint: parseWhitePoint(values['white-point'] ?? 'auto'),
      json: values.json ?? false
    }
  }
}

function parseInfo(argv: string[]): Command {
  const { values, positionals } = parse(argv, INFO_OPTIONS)
  if (values.help) return { name: 'help', topic: 'info' }
  if (positionals.length > 0) throw new UsageError(`Unexpected argument '${positionals[0]}'; info takes no files`)
  return { name: 'info', args: engineArgs(values) }
}

function parse<T extends typeof INFO_OPTIONS>(argv: string[], options: T) {
  // parseArgs reads each row's type and short and ignores its help.
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true })
  } catch (error) {
    // node's messages carry a long hint about `--`; the first sentence is the useful part.
    const message = error instanceof Error ? error.message.split(/\.\s/)[0] : String(error)
    throw new UsageError(message.replace(/\.$/, ''))
  }
}

function engineArgs(values: { model?: string; 'models-dir'?: string; ep?: string }): EngineArgs {
  return {
    model: nonEmpty(values.model, '--model'),
    modelsDir: nonEmpty(values['models-dir'], '--models-dir'),
    provider: values.ep === undefined ? undefined : oneOf(values.ep, PROVIDER_NAMES, '--ep')
  }
}

function parseWhitePoint(value: string): number | 'auto' {
  if (value === 'auto') return value
  const { min, max } = TONE_LIMITS.whitePoint
  const level = value.trim() === '' ? NaN : Number(value)
  if (level >= min && level <= max) return level
  throw new UsageError(`Invalid value '${value}' for --white-point; expected auto or a number from ${min} to ${max}`)
}

function parseFormats(list: string): OutputFormat[] {
  const formats = list.split(',').map((item) => item.trim().toLowerCase())
  const parsed = formats.map((format) => oneOf(format, OUTPUT_FORMATS, '--format'))
  if (new Set(parsed).size !== parsed.length) throw new UsageError(`Format listed twice in --format ${list}`)
  return parsed
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw new UsageError(`Invalid value '${value}' for ${flag}; expected one of ${allowed.join(', ')}`)
}

function nonEmpty(value: string | undefined, flag: string): string | undefined {
  if (value !== undefined && value.trim() === '') throw new UsageError(`Expected a value for ${flag}`)
  return value
}
