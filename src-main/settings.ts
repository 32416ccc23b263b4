/**
 * User settings persisted as JSON (in Electron's userData folder; the path is passed in, so this
 * module is plain Node). Loads leniently — a corrupt file gives defaults, a bad field gives that
 * field's default — and writes through `writeFileAtomically`, so a crash never leaves half a file.
 */
import { readFile } from 'node:fs/promises'
import { MAX_RECENT_FOLDERS, type Settings, type SettingsPatch } from '../src-preload/contract'
import { DEFAULT_TONEMAP } from './engine/imaging/tonemap'
import { writeFileAtomically } from './engine/pipeline/writers/file-commit'
import {
  absolutePath,
  arrayOf,
  boolean,
  integerBetween,
  invalidArgument,
  jpegQuality,
  mode,
  nullable,
  object,
  oneOf,
  outputFormats,
  toneMap,
  type Check
} from './ipc/validate'
import { PROVIDER_NAMES } from './engine/domain/provider-names'
import { DEFAULT_FORMATS, JPEG_QUALITY } from './engine/domain/formats'
import { MODES } from './engine/domain/modes'

/** A fresh copy of the defaults. */
export function defaultSettings(): Settings {
  return {
    lastFolder: null,
    recentFolders: [],
    export: {
      formats: [...DEFAULT_FORMATS],
      outDir: null,
      overwrite: false,
      keepGps: false,
      jpegQuality: JPEG_QUALITY.default
    },
    preview: { ...DEFAULT_TONEMAP },
    autoWhitePoint: true,
    mode: MODES[0],
    provider: 'auto',
    windowBounds: null
  }
}

export interface SettingsStore {
  /** The current settings (a copy). */
  get(): Settings
  /** Validates and merges `patch`, persists, and returns the new settings. */
  set(patch: SettingsPatch): Promise<Settings>
}

const coord = integerBetween(-100_000, 100_000)
const extent = integerBetween(100, 100_000)

export const windowBounds: Check<Settings['windowBounds']> = nullable((value, name) => {
  const o = object(value, name)
  return {
    x: coord(o.x, `${name}.x`),
    y: coord(o.y, `${name}.y`),
    width: extent(o.width, `${name}.width`),
    height: extent(o.height, `${name}.height`),
    maximized: boolean(o.maximized, `${name}.maximized`)
  }
})

const recentFolders = arrayOf(absolutePath, { max: MAX_RECENT_FOLDERS })
const provider = oneOf<Settings['provider']>(['auto', ...PROVIDER_NAMES])

/**
 * Validates a settings patch and merges it over `current`.
 * @throws {UnclipError} INVALID_ARGUMENT naming the bad field (`settings.export.formats[0]`).
 */
export function mergeSettings(current: Settings, patch: unknown, name = 'settings'): Settings {
  const p = object(patch, name)
  const next: Settings = structuredClone(current)
  for (const key of Object.keys(p)) {
    const value = p[key]
    const field = `${name}.${key}`
    switch (key) {
      case 'lastFolder':
        next.lastFolder = nullable(absolutePath)(value, field)
        break
      case 'recentFolders':
        next.recentFolders = recentFolders(value, field)
        break
      case 'export': {
        const e = object(value, field)
        for (const sub of Object.keys(e)) {
          const subField = `${field}.${sub}`
          if (sub === 'formats') next.export.formats = outputFormats(e[sub], subField)
          else if (sub === 'outDir') next.export.outDir = nullable(absolutePath)(e[sub], subField)
          else if (sub === 'overwrite') next.export.overwrite = boolean(e[sub], subField)
          else if (sub === 'keepGps') next.export.keepGps = boolean(e[sub], subField)
          else if (sub === 'jpegQuality') next.export.jpegQuality = jpegQuality(e[sub], subField)
          else throw invalidArgument(subField, 'no such setting', e[sub])
        }
        break
      }
      case 'preview':
        next.preview = toneMap({ ...next.preview, ...object(value, field) }, field)
        break
      case 'autoWhitePoint':
        next.autoWhitePoint = boolean(value, field)
        break
      case 'mode':
        next.mode = mode(value, field)
        break
      case 'provider':
        next.provider = provider(value, field)
        break
      case 'windowBounds':
        next.windowBounds = windowBounds(value, field)
        break
      default:
        throw invalidArgument(field, 'no such setting', value)
    }
  }
  return next
}

/**
 * Reads settings from stored JSON, keeping each valid field and defaulting the rest.
 * @param text - the file's contents, or undefined when there is no file
 */
export function parseSettings(text: string | undefined): Settings {
  let stored: unknown
  try {
    stored = text === undefined ? {} : JSON.parse(text, (_key, value) => (value === 'Infinity' ? Infinity : value))
  } catch {
    return defaultSettings()
  }
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return defaultSettings()
  let settings = defaultSettings()
  for (const [key, value] of Object.entries(stored)) {
    // The export block field by field, so one bad choice does not lose the user's formats and folder.
    const patches =
      key === 'export' && typeof value === 'object' && value !== null && !Array.isArray(value)
        ? Object.entries(value).map(([sub, subValue]) => ({ export: { [sub]: subValue } }))
        : [{ [key]: value }]
    for (const patch of patches) {
      try {
        settings = mergeSettings(settings, patch)
      } catch {
        // A bad or unknown field keeps its default; the rest of the user's settings survive.
      }
    }
  }
  return settings
}

/** JSON has no Infinity; the white point is stored as the string "Infinity". */
export function serializeSettings(settings: Settings): string {
  return JSON.stringify(settings, (_key, value) => (value === Infinity ? 'Infinity' : value), 2) + '\n'
}

/**
 * Opens the settings file at `filePath` (created on the first `set`).
 * @example const store = await openSettingsStore(join(app.getPath('userData'), 'settings.json'))
 */
export async function openSettingsStore(filePath: string): Promise<SettingsStore> {
  const text = await readFile(filePath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    return '' // unreadable: treated like a corrupt file
  })
  let current = parseSettings(text)
  let writing: Promise<void> = Promise.resolve()

  const persist = (settings: Settings): Promise<void> =>
    writeFileAtomically(filePath, serializeSettings(settings), { overwrite: true })

  return {
    get: () => structuredClone(current),
    async set(patch) {
      current = mergeSettings(current, patch)
      const snapshot = structuredClone(current)
      // Serialize writes so an older snapshot never lands after a newer one.
      writing = writing.catch(() => undefined).then(() => persist(snapshot))
      await writing
      return structuredClone(current)
    }
  }
}
