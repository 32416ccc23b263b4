/**
 * The one place IPC arguments are checked. Every check throws `invalidArgument(...)`, whose message
 * names the argument, what was expected and what arrived, e.g.
 * `Expected absolute path for path but received "x" of type string`.
 */
import { isAbsolute, normalize } from 'node:path'
import { UnclipError } from '../engine/errors'
import { JPEG_QUALITY, OUTPUT_FORMATS } from '../engine/domain/formats'
import { MODES } from '../engine/domain/modes'
import { LOW_LIGHT_LIMITS, TONE_LIMITS, TONE_OPERATORS, type LowLightControls } from '../engine/domain/tone-limits'
import type { OutputFormat, ToneMapSettings } from '../engine/types'

/** Renders a received value for an error message: strings quoted, long ones cut. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value
    return `${JSON.stringify(shown)} of type string`
  }
  if (value === null) return 'null'
  if (Array.isArray(value)) return `array of length ${value.length}`
  if (typeof value === 'object') return 'object'
  if (typeof value === 'function') return 'function'
  return `${String(value)} of type ${typeof value}`
}

/**
 * The single error factory for bad arguments.
 * @param name - the argument's name as the caller spells it (`path`, `tonemap.gamma`)
 * @param expected - what was expected (`absolute path`, `integer between 16 and 1024`)
 * @param value - what was received
 * @returns an `INVALID_ARGUMENT` error, to be thrown
 * @example throw invalidArgument('maxSide', 'integer between 16 and 1024', 0)
 */
export function invalidArgument(name: string, expected: string, value: unknown): UnclipError {
  return new UnclipError('INVALID_ARGUMENT', `Expected ${expected} for ${name} but received ${describeValue(value)}`)
}

export type Check<T> = (value: unknown, name: string) => T

/** A plain object (not null, not an array). */
export function object(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidArgument(name, 'object', value)
  return value as Record<string, unknown>
}

export function string(value: unknown, name: string): string {
  if (typeof value !== 'string') throw invalidArgument(name, 'string', value)
  return value
}

export function boolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw invalidArgument(name, 'boolean', value)
  return value
}

export function finiteNumber(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidArgument(name, 'finite number', value)
  return value
}

/** An integer in [min, max]. */
export function integerBetween(min: number, max: number): Check<number> {
  return between(min, max, 'integer', Number.isInteger)
}

/** A finite number in [min, max]. */
export function numberBetween(min: number, max: number): Check<number> {
  return between(min, max, 'number', Number.isFinite)
}

function between(min: number, max: number, kind: string, accepts: (value: number) => boolean): Check<number> {
  return (value, name) => {
    if (typeof value !== 'number' || !accepts(value) || value < min || value > max) {
      throw invalidArgument(name, `${kind} between ${min} and ${max}`, value)
    }
    return value
  }
}

/** An absolute path without NUL bytes, returned normalized (no `..` segments left). */
export function absolutePath(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.includes('\0') || !isAbsolute(value)) {
    throw invalidArgument(name, 'absolute path', value)
  }
  return normalize(value)
}

/** One of a closed set of strings. */
export function oneOf<T extends string>(choices: readonly T[]): Check<T> {
  return (value, name) => {
    if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
      throw invalidArgument(name, `one of ${choices.map((c) => `'${c}'`).join(', ')}`, value)
    }
    return value as T
  }
}

/** An array whose items pass `item`; `name[i]` names a bad item. */
export function arrayOf<T>(item: Check<T>, options: { min?: number; max?: number } = {}): Check<T[]> {
  const { min = 0, max = 10_000 } = options
  return (value, name) => {
    if (!Array.isArray(value) || value.length < min || value.length > max) {
      const bounds = min > 0 ? `array of ${min} to ${max} items` : `array of at most ${max} items`
      throw invalidArgument(name, bounds, value)
    }
    return value.map((entry, index) => item(entry, `${name}[${index}]`))
  }
}

/** `undefined` passes as `undefined`; anything else must pass `check`. */
export function optional<T>(check: Check<T>): Check<T | undefined> {
  return (value, name) => (value === undefined ? undefined : check(value, name))
}

/** `null` passes as `null`; anything else must pass `check`. */
export function nullable<T>(check: Check<T>): Check<T | null> {
  return (value, name) => (value === null ? null : check(value, name))
}

/** Commands that take no argument must receive none. */
export function nothing(value: unknown, name: string): void {
  if (value !== undefined && value !== null) throw invalidArgument(name, 'no argument', value)
}

/** Job ids are short, caller-chosen tokens. */
export function jobId(value: unknown, name: string): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_.:-]{1,128}$/.test(value)) {
    throw invalidArgument(name, 'job id of 1 to 128 letters, digits or _.:-', value)
  }
  return value
}

export const outputFormat = oneOf(OUTPUT_FORMATS)
export const mode = oneOf(MODES)

/** A non-empty list of distinct output formats. */
export function outputFormats(value: unknown, name: string): OutputFormat[] {
  const formats = arrayOf(outputFormat, { min: 1, max: OUTPUT_FORMATS.length })(value, name)
  if (new Set(formats).size !== formats.length) throw invalidArgument(name, 'distinct output formats', value)
  return formats
}

export const exposureEv = numberBetween(TONE_LIMITS.exposureEv.min, TONE_LIMITS.exposureEv.max)

/** Positive; `Infinity` allowed (plain Reinhard). */
export function whitePoint(value: unknown, name: string): number {
  if (typeof value !== 'number' || !(value > 0)) throw invalidArgument(name, 'positive number or Infinity', value)
  return value
}

export const gamma = numberBetween(TONE_LIMITS.gamma.min, TONE_LIMITS.gamma.max)

export function toneMap(value: unknown, name: string): ToneMapSettings {
  const o = object(value, name)
  return {
    operator: oneOf(TONE_OPERATORS)(o.operator, `${name}.operator`),
    exposureEv: exposureEv(o.exposureEv, `${name}.exposureEv`),
    whitePoint: whitePoint(o.whitePoint, `${name}.whitePoint`),
    gamma: gamma(o.gamma, `${name}.gamma`)
  }
}

/** Low light's controls, each within `LOW_LIGHT_LIMITS`. */
export function lowLightControls(value: unknown, name: string): LowLightControls {
  const o = object(value, name)
  const within = (key: keyof typeof LOW_LIGHT_LIMITS): number =>
    numberBetween(LOW_LIGHT_LIMITS[key].min, LOW_LIGHT_LIMITS[key].max)(o[key], `${name}.${key}`)
  return { brightnessEv: within('brightnessEv'), denoise: within('denoise'), blackPoint: within('blackPoint') }
}

/** A plain JPEG's quality, a whole number within `JPEG_QUALITY`. */
export const jpegQuality = integerBetween(JPEG_QUALITY.min, JPEG_QUALITY.max)
