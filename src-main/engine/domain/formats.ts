/**
 * The output formats, one row each. Everything else (the `OutputFormat` union, the CLI's `--format`
 * values and help, IPC validation, batch planning, output paths, which writer runs and whether it
 * is fed linear radiance) is derived from this table.
 */

export interface FormatRow {
  /** Short name for messages (`Image is too large for EXR export`). */
  name: string
  /** Suffix appended to the output base path; Ultra HDR gets its own so it never collides with the JPEG. */
  suffix: string
  /** What the CLI's help and the UI call it. */
  label: string
  /**
   * `linear`: stores scene radiance (low-light mode feeds it the exposed linear strips).
   * `display`: tone-mapped for a screen.
   */
  referred: 'linear' | 'display'
  /**
   * `strip`: encoded strip by strip on the worker threads, any size.
   * `whole-image`: gathers the full image in memory first (at most `MAX_FULL_IMAGE_PIXELS`).
   */
  writer: 'strip' | 'whole-image'
  /** Bits per channel of the stored samples (`half` = 16-bit float, `float` = 32-bit, `rgbe` = shared-exponent). */
  bits: 8 | 16 | 'half' | 'float' | 'rgbe'
  /** The file container, which picks the encoder (strip formats: what the worker threads pre-encode). */
  container: 'radiance' | 'exr' | 'jpeg' | 'png' | 'tiff'
}

const ROWS = {
  hdr: {
    name: 'Radiance',
    suffix: '.hdr',
    label: 'Radiance .hdr',
    referred: 'linear',
    writer: 'strip',
    bits: 'rgbe',
    container: 'radiance'
  },
  exr: {
    name: 'EXR',
    suffix: '.exr',
    label: 'OpenEXR, half float, ZIP (.exr)',
    referred: 'linear',
    writer: 'whole-image',
    bits: 'half',
    container: 'exr'
  },
  'jpg-hdr': {
    name: 'Ultra HDR JPEG',
    suffix: '-ultrahdr.jpg',
    label: 'Ultra HDR gain-map JPEG',
    // Its gain map needs the highlights.
    referred: 'linear',
    writer: 'whole-image',
    bits: 8,
    container: 'jpeg'
  },
  png: {
    name: 'PNG',
    suffix: '.png',
    label: 'tone-mapped 8-bit PNG',
    referred: 'display',
    writer: 'strip',
    bits: 8,
    container: 'png'
  },
  png16: {
    name: '16-bit PNG',
    suffix: '-16bit.png',
    label: 'tone-mapped 16-bit PNG',
    referred: 'display',
    writer: 'strip',
    bits: 16,
    container: 'png'
  },
  jpg: {
    name: 'JPEG',
    suffix: '.jpg',
    label: 'tone-mapped JPEG',
    referred: 'display',
    writer: 'strip',
    bits: 8,
    container: 'jpeg'
  },
  // An editor's 8-bit TIFF replaced in place (--in-place, Save and Return) keeps its 8 bits (`tiffBits`).
  tif16: {
    name: '16-bit TIFF',
    suffix: '.tif',
    label: 'tone-mapped 16-bit TIFF',
    referred: 'display',
    writer: 'strip',
    bits: 16,
    container: 'tiff'
  },
  tif32: {
    name: '32-bit float TIFF',
    suffix: '-hdr.tif',
    label: '32-bit floating-point linear TIFF (HDR, for editors)',
    referred: 'linear',
    writer: 'strip',
    bits: 'float',
    container: 'tiff'
  }
} as const satisfies Record<string, FormatRow>

/** An output file the engine can write. */
export type OutputFormat = keyof typeof ROWS

/** The table, keyed by format id. */
export const FORMATS: Readonly<Record<OutputFormat, FormatRow>> = ROWS

/** Every format id, in the order `validate`, the CLI and the IPC checks list them. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = [
  'hdr',
  'png',
  'png16',
  'exr',
  'jpg',
  'jpg-hdr',
  'tif16',
  'tif32'
]

/** Largest image (pixels) a `whole-image` format is written for: ~1.2 GB of float buffer plus encoding. */
export const MAX_FULL_IMAGE_PIXELS = 100_000_000

/** Quality of the plain `jpg` output: its default (the Ultra HDR base image's) and the range a user may set. */
export const JPEG_QUALITY = { default: 95, min: 50, max: 100, step: 1 } as const

/** What `convert` writes when no format is asked for. */
export const DEFAULT_FORMATS: readonly OutputFormat[] = ['hdr', 'png']

/**
 * Whether a format stores linear radiance (and so gets `linear` strips in low-light mode).
 * @param format Output format name.
 * @returns True for `hdr`, `exr` and `jpg-hdr`.
 */
export function isLinearFormat(format: string): boolean {
  return isOutputFormat(format) && FORMATS[format].referred === 'linear'
}

/**
 * @param value Any string.
 * @returns Whether it names an output format.
 */
export function isOutputFormat(value: string): value is OutputFormat {
  return Object.hasOwn(FORMATS, value)
}

/** One checkbox of the app's export panel: its label and the formats it offers (several: a bit-depth choice). */
export interface ExportChoice {
  label: string
  formats: readonly OutputFormat[]
}

/** The app's export checkboxes, in panel order; a format listed in none is offered by the CLI only. */
export const EXPORT_CHOICES: readonly ExportChoice[] = [
  { label: 'Radiance .hdr', formats: ['hdr'] },
  { label: 'OpenEXR .exr (half float)', formats: ['exr'] },
  { label: 'Ultra HDR JPEG (gain map)', formats: ['jpg-hdr'] },
  { label: 'Tone-mapped PNG', formats: ['png', 'png16'] },
  { label: 'Tone-mapped JPEG', formats: ['jpg'] },
  { label: '32-bit float TIFF (HDR, for editors)', formats: ['tif32'] },
  { label: 'Tone-mapped 16-bit TIFF', formats: ['tif16'] }
]
