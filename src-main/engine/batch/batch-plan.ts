import { constants, type Dirent } from 'node:fs'
import { access, lstat, readdir, realpath, stat } from 'node:fs/promises'
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path'
import { outputPathFor } from '../pipeline/convert'
import { OUTPUT_FORMATS } from '../domain/formats'
import { SUPPORTED_EXTENSIONS } from '../domain/input-extensions'
import { UnclipError } from '../errors'
import { readError } from '../fs-errors'
import type { BatchOptions, BatchWarning, OutputFormat } from '../types'

type Warn = (warning: BatchWarning) => void

/** The folder created inside each input folder (or beside a single file) when no `-o` is given. */
export const DEFAULT_OUT_DIR_NAME = 'unclip'

const FORMAT_LIST = OUTPUT_FORMATS.join(', ')

/** One file of a batch and where its outputs go (`outputPathFor(outputBase, format)`). */
export interface PlannedFile {
  input: string
  outputBase: string
  /** The exact output path of its one format, instead of `outputBase` + suffix (`in-place.ts`). */
  target?: string
  /** The user asked for `target` itself to be replaced (the editor's own TIFF), even when it is the input. */
  replace?: boolean
}

export type PlanOptions = Pick<BatchOptions, 'outDir' | 'outDirExplicit' | 'recursive' | 'formats' | 'onWarning'>

/** One input argument after `stat`, with the output root it maps to. */
interface Root {
  path: string
  kind: 'file' | 'folder'
  outRoot: string
}

/**
 * Checks the options a batch plan depends on.
 *
 * @param options - the planning options as received (possibly from IPC or the CLI)
 * @throws {UnclipError} INVALID_ARGUMENT naming the offending option
 */
export function validatePlanOptions(options: PlanOptions): void {
  if (!Array.isArray(options.formats) || options.formats.length === 0) {
    throw new UnclipError('INVALID_ARGUMENT', `Expected at least one output format (${FORMAT_LIST}) but received none`)
  }
  for (const format of options.formats) {
    if (!OUTPUT_FORMATS.includes(format)) {
      throw new UnclipError(
        'INVALID_ARGUMENT',
        `Unknown output format "${String(format)}"; expected one of ${FORMAT_LIST}`
      )
    }
  }
  if (new Set(options.formats).size !== options.formats.length) {
    throw new UnclipError('INVALID_ARGUMENT', `Output format listed twice: ${options.formats.join(',')}`)
  }
  if (typeof options.recursive !== 'boolean') {
    throw new UnclipError('INVALID_ARGUMENT', `Expected boolean for recursive but received ${typeof options.recursive}`)
  }
  if (options.outDirExplicit && (typeof options.outDir !== 'string' || !isAbsolute(options.outDir))) {
    throw new UnclipError(
      'INVALID_ARGUMENT',
      `Expected an absolute output folder but received "${String(options.outDir)}"`
    )
  }
}

/**
 * Lists the files a batch will convert and the output base of each, without touching any output.
 *
 * Folders contribute their supported images (see `SUPPORTED_EXTENSIONS`, case-insensitive), skipping
 * hidden entries, symlinked folders (no cycles) and every output folder of this batch, so a re-run
 * never converts its own results. With `recursive`, sub-folders are walked and their tree is mirrored
 * under the output folder. Without `outDirExplicit`, outputs go to `unclip/` inside each input folder,
 * or beside a single input file.
 *
 * The same file reached twice is planned once. Two files whose outputs would land on the same path
 * (`a.jpg` and `a.png`, or two folders sent to one `-o`) are told apart by a `-2`, `-3`... suffix on
 * the later one, in the plan's deterministic order; the comparison ignores case, as macOS and Windows do.
 * An output that would land on one of the batch's inputs (a JPEG exported into its own folder), or on
 * an existing photo beside an input (`b.jpg` when `b.png` is exported as JPEG into its folder), is
 * suffixed the same way, so even `overwrite` never replaces a source photo. Paths are compared after
 * resolving symlinks: `link/a.jpg` and `real/a.jpg` are one file.
 *
 * Folders and files that cannot be read are skipped and reported to `onWarning` with a sentence
 * naming them; the rest of the batch goes on.
 *
 * @param inputs - file and folder paths, absolute or relative to the working directory
 * @param options - output folder, recursion and formats (formats decide which output names collide)
 * @returns the files in order: inputs as given, each folder's entries sorted by name
 * @throws {UnclipError} INVALID_ARGUMENT when no inputs or bad options are given
 * @throws {UnclipError} FILE_NOT_FOUND when an input path does not exist
 */
export async function planBatch(inputs: string[], options: PlanOptions): Promise<PlannedFile[]> {
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw new UnclipError('INVALID_ARGUMENT', 'Expected at least one input file or folder but received none')
  }
  validatePlanOptions(options)

  const warn = options.onWarning ?? (() => undefined)
  const roots: Root[] = []
  for (const input of inputs) {
    const root = await statRoot(input, options, warn)
    if (root) roots.push(root)
  }
  const outRoots = new Set(roots.map((root) => root.outRoot))
  if (options.outDirExplicit) outRoots.add(resolve(options.outDir))

  const files: PlannedFile[] = []
  for (const root of roots) {
    if (root.kind === 'folder') await walk(root.path, root.outRoot, options.recursive, outRoots, files, warn)
    else if (await readable(root.path, warn))
      files.push({ input: root.path, outputBase: join(root.outRoot, stem(root.path)) })
  }
  return disambiguate(dedupe(files), options.formats)
}

async function statRoot(input: string, options: PlanOptions, warn: Warn): Promise<Root | undefined> {
  const path = resolve(input)
  let kind: Root['kind']
  try {
    kind = (await stat(path)).isDirectory() ? 'folder' : 'file'
  } catch (error) {
    // A typo stops the batch before anything runs; an input that exists but cannot be read is skipped.
    const unreadable = readError(error, path)
    if (unreadable.code === 'FILE_NOT_FOUND') throw unreadable
    warn({ file: path, message: unreadable.message })
    return undefined
  }
  const defaultRoot = kind === 'folder' ? join(path, DEFAULT_OUT_DIR_NAME) : join(dirname(path), DEFAULT_OUT_DIR_NAME)
  return { path, kind, outRoot: options.outDirExplicit ? resolve(options.outDir) : defaultRoot }
}

async function walk(
  folder: string,
  outDir: string,
  recursive: boolean,
  skip: Set<string>,
  into: PlannedFile[],
  warn: Warn
): Promise<void> {
  let entries: Dirent[]
  try {
    entries = await readdir(folder, { withFileTypes: true })
  } catch (error) {
    warn({ file: folder, message: readError(error, folder).message })
    return
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const subfolders: string[] = []
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue
    const path = join(folder, entry.name)
    if (entry.isDirectory()) {
      if (recursive && !skip.has(path)) subfolders.push(path)
      continue
    }
    if (!SUPPORTED_EXTENSIONS.has(extname(entry.name).toLowerCase())) continue
    // A symlink to a file counts as that file; a dangling one or one to a folder does not.
    if (entry.isSymbolicLink() && !(await isFile(path))) continue
    if (!entry.isFile() && !entry.isSymbolicLink()) continue
    if (await readable(path, warn)) into.push({ input: path, outputBase: join(outDir, stem(entry.name)) })
  }
  for (const sub of subfolders) {
    await walk(sub, join(outDir, relative(folder, sub)), recursive, skip, into, warn)
  }
}

function dedupe(files: PlannedFile[]): PlannedFile[] {
  const seen = new Set<string>()
  return files.filter((file) => {
    if (seen.has(file.input)) return false
    seen.add(file.input)
    return true
  })
}

/**
 * Gives each file an output base whose targets collide with nothing taken: the inputs, existing
 * photos in the inputs' folders, and earlier files' targets. Compared by real path (symlinks
 * resolved) and ignoring case, as macOS and Windows do.
 */
async function disambiguate(files: PlannedFile[], formats: OutputFormat[]): Promise<PlannedFile[]> {
  const real = createRealPaths()
  const taken = new Set<string>()
  const sourceDirs = new Set<string>()
  for (const file of files) {
    const input = await real.of(file.input)
    taken.add(input.toLowerCase())
    sourceDirs.add(dirname(input).toLowerCase())
  }
  const isTaken = async (target: string): Promise<boolean> => {
    const path = await real.of(target)
    const key = path.toLowerCase()
    if (taken.has(key)) return true
    // An existing photo beside an input is a source too, even if this batch does not convert it.
    return sourceDirs.has(dirname(key)) && SUPPORTED_EXTENSIONS.has(extname(key)) && (await exists(path))
  }
  const planned: PlannedFile[] = []
  for (const file of files) {
    let outputBase = file.outputBase
    for (let n = 2; await anyAsync(targets(outputBase, formats), isTaken); n++) {
      outputBase = `${file.outputBase}-${n}`
    }
    for (const target of targets(outputBase, formats)) taken.add((await real.of(target)).toLowerCase())
    planned.push({ input: file.input, outputBase })
  }
  return planned
}

function targets(outputBase: string, formats: OutputFormat[]): string[] {
  return formats.map((format) => outputPathFor(outputBase, format))
}

async function anyAsync<T>(items: T[], test: (item: T) => Promise<boolean>): Promise<boolean> {
  for (const item of items) if (await test(item)) return true
  return false
}

/** Real paths, memoised per folder: a path that does not exist yet resolves through its nearest existing folder. */
function createRealPaths(): { of(path: string): Promise<string> } {
  const folders = new Map<string, Promise<string>>()
  const folder = (dir: string): Promise<string> => {
    let known = folders.get(dir)
    if (!known) {
      known = realpath(dir).catch(async () => {
        const parent = dirname(dir)
        return parent === dir ? dir : join(await folder(parent), basename(dir))
      })
      folders.set(dir, known)
    }
    return known
  }
  return {
    async of(path) {
      // The file itself may be a symlink to a photo elsewhere: that photo is the input.
      const direct = await realpath(path).catch(() => undefined)
      return direct ?? join(await folder(dirname(path)), basename(path))
    }
  }
}

function stem(path: string): string {
  const name = basename(path)
  return name.slice(0, name.length - extname(name).length) || name
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false
  )
}

/** True when the file can be read; otherwise says why to `warn`. */
async function readable(path: string, warn: Warn): Promise<boolean> {
  try {
    await access(path, constants.R_OK)
    return true
  } catch (error) {
    warn({ file: path, message: readError(error, path).message })
    return false
  }
}
