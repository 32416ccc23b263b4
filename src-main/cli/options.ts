/**
 * The CLI's option table: what `parseArgs` accepts and what `--help` prints (help.ts renders it),
 * so an option and its help cannot drift apart. Choices come from the engine's domain tables.
 */
import { DEFAULT_FORMATS, FORMATS, MAX_FULL_IMAGE_PIXELS } from '../engine/domain/formats'
import { MODES } from '../engine/domain/modes'
import { PROVIDER_NAMES } from '../engine/domain/provider-names'
import { TONE_LIMITS } from '../engine/domain/tone-limits'

export interface OptionSpec {
  type: 'string' | 'boolean'
  short?: string
  /** The value's placeholder in help (`DIR`); string options only. */
  value?: string
  /** Help lines; the first stands beside the flag. */
  help: readonly string[]
}

/** `a, b or c` (`and` with `joiner: 'and'`). */
const list = (items: readonly string[], joiner = 'or'): string =>
  `${items.slice(0, -1).join(', ')} ${joiner} ${items.at(-1)}`
const megapixels = MAX_FULL_IMAGE_PIXELS / 1e6

/** `--help`, which every command takes. */
export const HELP_OPTION = { help: { type: 'boolean', short: 'h', help: ['show this help'] } } as const

/** Options every engine-loading command takes. */
export const ENGINE_OPTIONS = {
  model: { type: 'string', value: 'NAME', help: ['model to load from the models folder (default: the product model)'] },
  'models-dir': {
    type: 'string',
    value: 'DIR',
    help: ["folder holding <model>.onnx and <model>.json (default: the app's models/)"]
  },
  ep: {
    type: 'string',
    value: 'NAME',
    help: [
      `execution provider to try first: ${list(PROVIDER_NAMES)}`,
      "(falls back to cpu with the reason shown by 'unclip info')"
    ]
  }
} as const satisfies Record<string, OptionSpec>

// Help lists the formats in the table's order (linear first), not the validation order.
const helpOrder = Object.keys(FORMATS) as (keyof typeof FORMATS)[]
const formatWidth = Math.max(...helpOrder.map((format) => format.length))
const wholeImage = helpOrder.filter((format) => FORMATS[format].writer === 'whole-image')

/** `convert`'s own options, in help order. */
export const CONVERT_OWN_OPTIONS = {
  out: {
    type: 'string',
    short: 'o',
    value: 'DIR',
    help: ['output folder (the folder tree is mirrored under it with --recursive)']
  },
  format: {
    type: 'string',
    short: 'f',
    value: 'LIST',
    help: [
      `comma-separated (default: ${DEFAULT_FORMATS.join(',')}):`,
      ...helpOrder.map((format) => {
        const { label, suffix } = FORMATS[format]
        const shown = suffix === `.${format}` ? label : `${label} (${suffix})`
        return `  ${format.padEnd(formatWidth)}  ${shown}`
      }),
      `${list(wholeImage, 'and')} hold the whole image in memory: at most ${megapixels} MP`
    ]
  },
  mode: { type: 'string', short: 'm', value: 'MODE', help: [`${list(MODES)} (default: ${MODES[0]})`] },
  recursive: { type: 'boolean', short: 'r', help: ['include sub-folders'] },
  overwrite: { type: 'boolean', help: ['replace existing outputs'] },
  'in-place': {
    type: 'boolean',
    help: [
      "photo editors' round trip: a TIFF is replaced by its result (tif16, or tif32 with --format tif32),",
      'atomically; any other photo gets <name>-unclip.tif beside it. Files only; no --out or --recursive'
    ]
  },
  'white-point': {
    type: 'string',
    value: 'W',
    help: [
      `level shown as white in PNG, JPEG, 16-bit TIFF and the Ultra HDR base image (1 = the photo's white):`,
      `${TONE_LIMITS.whitePoint.min}-${TONE_LIMITS.whitePoint.max}, or auto (default): each result's own peak, as the app does;`,
      'low light sets its own tone and takes none'
    ]
  },
  'keep-gps': {
    type: 'boolean',
    help: [
      "keep the photo's GPS location in the outputs' metadata",
      '(camera, lens, exposure and date are always kept)'
    ]
  },
  json: { type: 'boolean', help: ['print one JSON object per line: progress events, then a summary'] }
} as const satisfies Record<string, OptionSpec>

export const INFO_OPTIONS = { ...ENGINE_OPTIONS, ...HELP_OPTION } as const
export const CONVERT_OPTIONS = { ...CONVERT_OWN_OPTIONS, ...ENGINE_OPTIONS, ...HELP_OPTION } as const
