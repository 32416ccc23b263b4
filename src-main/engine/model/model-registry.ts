/**
 * Finds models: every `<name>.json` model card in a folder, with its ONNX file beside it. The
 * engine depends on nothing about a model except its card (see `ModelCard`).
 */
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { UnclipError } from '../errors'
import type { ModelCard } from '../types'

/** A model card together with the absolute paths it was read from. */
export interface ModelEntry {
  card: ModelCard
  cardPath: string
  onnxPath: string
}

/**
 * The repository's `models/` folder: three levels up from this source file
 * (`src-main/engine/model/`), two from the bundle it is built into (`out/main/`). The packaged app
 * passes its own folder instead.
 * @returns Absolute path of `models/`.
 */
export function defaultModelsDir(): string {
  const up = import.meta.url.endsWith('.ts') ? '../../../models/' : '../../models/'
  return fileURLToPath(new URL(up, import.meta.url)).replace(/[\\/]$/, '')
}

/**
 * Reads every model card in `dir`.
 * @param dir Folder holding `<name>.json` + `<name>.onnx` pairs; a missing folder has no models.
 * @returns Valid entries, sorted: product models before fixtures, then highest version first.
 * @throws UnclipError `MODEL_CORRUPT` for a card that is not valid JSON, lacks required fields, or
 *   whose ONNX file is missing.
 */
export async function listModels(dir: string): Promise<ModelEntry[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR')
      return []
    throw error
  }
  const entries: ModelEntry[] = []
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    entries.push(await readEntry(path.join(dir, name)))
  }
  return entries.sort(compareEntries)
}

/**
 * Picks the model to run.
 * @param dir Models folder.
 * @param name Model name to use; when omitted, the newest non-fixture model.
 * @returns The chosen entry.
 * @throws UnclipError `MODEL_MISSING` when there is no (such) model; `MODEL_CORRUPT` as `listModels`.
 */
export async function selectModel(dir: string, name?: string): Promise<ModelEntry> {
  const entries = await listModels(dir)
  if (name === undefined) {
    const chosen = entries.find((e) => !e.card.fixture)
    if (!chosen) throw new UnclipError('MODEL_MISSING', `No model found in ${dir}`)
    return chosen
  }
  const chosen = entries.find((e) => e.card.name === name)
  if (!chosen) {
    const available = entries.map((e) => e.card.name)
    if (available.length === 0) throw new UnclipError('MODEL_MISSING', `No model found in ${dir}`)
    throw new UnclipError(
      'MODEL_MISSING',
      `Model "${name}" not found in ${dir} (available: ${[...new Set(available)].join(', ')})`
    )
  }
  return chosen
}

async function readEntry(cardPath: string): Promise<ModelEntry> {
  let parsed: unknown
  try {
    parsed = JSON.parse(await readFile(cardPath, 'utf8'))
  } catch (error) {
    throw new UnclipError('MODEL_CORRUPT', `Model card ${cardPath} is not valid JSON: ${(error as Error).message}`, {
      cause: error
    })
  }
  const card = validateCard(parsed, cardPath)
  const onnxPath = path.join(path.dirname(cardPath), card.file ?? `${card.name}.onnx`)
  if (!existsSync(onnxPath)) {
    throw new UnclipError('MODEL_CORRUPT', `Model "${card.name}" is missing its weights file: ${onnxPath}`)
  }
  return { card, cardPath, onnxPath }
}

function validateCard(value: unknown, cardPath: string): ModelCard {
  const invalid = (why: string): UnclipError =>
    new UnclipError('MODEL_CORRUPT', `Model card ${cardPath} is invalid: ${why}`)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('expected a JSON object')
  const card = value as Record<string, unknown>
  for (const field of ['name', 'version', 'input', 'output'] as const) {
    if (typeof card[field] !== 'string' || card[field] === '') throw invalid(`"${field}" must be a non-empty string`)
  }
  if (!Number.isInteger(card.size_multiple) || (card.size_multiple as number) < 1)
    throw invalid('"size_multiple" must be a positive integer')
  if (card.file !== undefined && (typeof card.file !== 'string' || card.file === '' || path.isAbsolute(card.file))) {
    throw invalid('"file" must be a file name relative to the card')
  }
  if (card.fixture !== undefined && typeof card.fixture !== 'boolean') throw invalid('"fixture" must be true or false')
  if (
    card.inference_long_side !== undefined &&
    (!Number.isInteger(card.inference_long_side) ||
      (card.inference_long_side as number) < (card.size_multiple as number))
  ) {
    throw invalid('"inference_long_side" must be an integer ≥ size_multiple')
  }
  return card as unknown as ModelCard
}

function compareEntries(a: ModelEntry, b: ModelEntry): number {
  if (Boolean(a.card.fixture) !== Boolean(b.card.fixture)) return a.card.fixture ? 1 : -1
  return compareVersions(b.card.version, a.card.version) || a.card.name.localeCompare(b.card.name)
}

/**
 * Numeric comparison of dotted versions (`1.10.0` > `1.9.2`); non-numeric parts compare as text.
 * @returns 1, 0 or -1 as `a` is newer than, equal to or older than `b`.
 */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.')
  const pb = b.split('.')
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0'
    const y = pb[i] ?? '0'
    const nx = Number(x)
    const ny = Number(y)
    const diff = Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x.localeCompare(y)
    if (diff !== 0) return Math.sign(diff)
  }
  return 0
}
