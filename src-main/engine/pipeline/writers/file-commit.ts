/**
 * The one way Unclip puts a file on disk (outputs, the app's exports and TIFFs, settings): write a
 * hidden temporary file beside the target, registered before its first byte, then commit every file
 * of one photo together or none of them. Files are compared by identity (device and inode), never
 * by how their path is spelled, so a symlinked folder cannot make an input look like an output.
 *
 * Temporary names carry the writing process's id (`.<name>.unclip-tmp-<pid>-<hex>`): the next run in
 * that folder removes the ones whose process is gone (killed, crashed, powered off).
 */
import { randomBytes } from 'node:crypto'
import { renameSync, rmSync, type Stats } from 'node:fs'
import { copyFile, link, lstat, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { UnclipError } from '../../errors'
import { errnoCode, writeError } from '../../fs-errors'

const TEMP_MARK = '.unclip-tmp-'
const TEMP_NAME = /^\..+\.unclip-tmp-(\d+)-[0-9a-f]+$/

/**
 * Temporary name for `finalPath`: hidden, in the same folder (so the rename is atomic), unique per
 * process and call, with this process's id for stale-file cleanup.
 * @returns Absolute temporary path.
 */
export function tempPathFor(finalPath: string): string {
  return path.join(
    path.dirname(finalPath),
    `.${path.basename(finalPath)}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`
  )
}

/** Temporary files this process has (or is about to have) on disk. */
const liveTemps = new Set<string>()
/** What each commit under way has placed so far: undone at exit if the process ends mid-commit. */
const openCommits = new Set<Placed[]>()

interface Placed {
  file: PendingFile
  /** The replaced file's original content, while the commit is open. */
  backup?: string
}
let exitHookInstalled = false

/**
 * Records a temporary file before anything creates it, so no exit path can leave it behind:
 * `releaseTemp` when it is renamed or removed, and on process exit whatever is left is deleted.
 */
export function registerTemp(file: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true
    // Also runs after `process.exit()` (a second Ctrl+C), where no async cleanup gets to run.
    process.on('exit', () => {
      // A commit cut short (a second Ctrl+C) is undone first, so its backups become originals again.
      for (const placed of openCommits) undo(placed)
      for (const temp of liveTemps) rmSync(temp, { force: true })
    })
  }
  liveTemps.add(file)
}

/** Forgets a temporary file that was renamed into place or removed. */
export function releaseTemp(file: string): void {
  liveTemps.delete(file)
}

/** Removes a registered temporary file (if it was created at all) and forgets it. */
export async function removeTemp(file: string): Promise<void> {
  await rm(file, { force: true })
  releaseTemp(file)
}

/** The registered temporary files (for tests and the exit hook). */
export function registeredTemps(): string[] {
  return [...liveTemps]
}

/** `dev:ino`, the identity of a file whatever path reaches it. */
export function identityOf(stats: Stats): string {
  return `${stats.dev}:${stats.ino}`
}

/**
 * Files one run must never replace, by identity: its inputs and everything it has written so far.
 * A batch adds its inputs before the first photo and each photo's outputs as they are committed.
 */
export class ProtectedFiles {
  private readonly ids = new Set<string>()

  /** Adds the file at `file` (following symlinks); a missing file adds nothing. */
  async add(file: string): Promise<void> {
    const stats = await stat(file).catch(() => undefined)
    if (stats) this.ids.add(identityOf(stats))
  }

  has(stats: Stats): boolean {
    return this.ids.has(identityOf(stats))
  }
}

/** Where the temporary file of an output is, and where it goes. */
export interface PendingFile {
  tempPath: string
  finalPath: string
}

export interface CommitOptions {
  /** Replace existing targets (never protected ones, never anything but a regular file). */
  overwrite?: boolean
  /** Inputs and earlier outputs of this run; the committed files are added to it. */
  protect?: ProtectedFiles
}

/**
 * Moves every temporary file onto its target, all or none: targets are checked first; an
 * existing target being replaced is kept as a hard-linked (or copied) backup until every file is in
 * place, and put back if any step fails. Without `overwrite` a target is claimed with a hard link,
 * which fails atomically if a file appeared there since the check.
 * @throws UnclipError `OUTPUT_EXISTS` (a target exists and `overwrite` is off), `OUTPUT_PROTECTED` (it is
 *   one of the run's own photos or outputs),
 *   `OUTPUT_NOT_WRITABLE` (a folder or other non-file is in the way), `DISK_FULL`.
 */
export async function commitFiles(files: PendingFile[], options: CommitOptions = {}): Promise<void> {
  const existing = new Map<string, Stats>()
  for (const file of files) {
    const stats = await lstat(file.finalPath).catch((error: unknown) => {
      if (errnoCode(error) === 'ENOENT') return undefined
      throw writeError(error, path.dirname(file.finalPath), file.finalPath)
    })
    if (!stats) continue
    if (options.protect?.has(stats)) throw notOurs(file.finalPath)
    if (!options.overwrite) throw outputExists(file.finalPath)
    if (!stats.isFile())
      throw new UnclipError('OUTPUT_NOT_WRITABLE', `Cannot replace ${file.finalPath}: it is not a file`)
    existing.set(file.finalPath, stats)
  }

  const placed: Placed[] = []
  openCommits.add(placed)
  try {
    for (const file of files) {
      try {
        if (existing.has(file.finalPath)) {
          const backup = tempPathFor(file.finalPath)
          registerTemp(backup)
          placed.push({ file, backup })
          await keepCopy(file.finalPath, backup)
          await rename(file.tempPath, file.finalPath)
        } else {
          await claim(file)
          placed.push({ file })
        }
        releaseTemp(file.tempPath)
      } catch (error) {
        throw writeError(error, path.dirname(file.finalPath), file.finalPath)
      }
    }
  } catch (error) {
    undo(placed)
    throw error
  } finally {
    openCommits.delete(placed)
  }
  for (const { backup } of placed) if (backup) await removeTemp(backup).catch(() => undefined)
  if (options.protect) for (const file of files) await options.protect.add(file.finalPath)
}

/**
 * Writes a whole file through a temporary one: it appears complete or not at all.
 * @param options `overwrite` replaces an existing file (settings, a TIFF the user confirmed).
 * @throws UnclipError `OUTPUT_EXISTS`, `OUTPUT_NOT_WRITABLE`, `DISK_FULL`.
 */
export async function writeFileAtomically(target: string, bytes: string | Buffer, options: CommitOptions = {}) {
  const dir = path.dirname(target)
  await mkdir(dir, { recursive: true }).catch((error: unknown) => {
    throw writeError(error, dir, target)
  })
  await removeStaleTemps(dir)
  const tempPath = tempPathFor(target)
  registerTemp(tempPath)
  try {
    await writeFile(tempPath, bytes, { flag: 'wx' })
    await commitFiles([{ tempPath, finalPath: target }], options)
  } catch (error) {
    await removeTemp(tempPath)
    throw writeError(error, dir, target)
  }
}

const swept = new Set<string>()

/**
 * Removes temporary files left in `dir` by Unclip processes that no longer run (killed, crashed),
 * once per folder and process. A process id that is alive, even someone else's, is left alone.
 * @returns The files removed.
 */
export async function removeStaleTemps(dir: string): Promise<string[]> {
  if (swept.has(dir)) return []
  swept.add(dir)
  const names = await readdir(dir).catch(() => [] as string[])
  const removed: string[] = []
  for (const name of names) {
    const pid = Number(TEMP_NAME.exec(name)?.[1])
    if (!pid || pid === process.pid || isAlive(pid)) continue
    const file = path.join(dir, name)
    const stats = await lstat(file).catch(() => undefined)
    if (!stats?.isFile()) continue
    await rm(file, { force: true }).then(
      () => removed.push(file),
      () => undefined
    )
  }
  return removed
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: alive, but another user's.
    return errnoCode(error) !== 'ESRCH'
  }
}

/** Hard link where the file system has them (instant, no space); a copy elsewhere. */
async function keepCopy(file: string, backup: string): Promise<void> {
  try {
    await link(file, backup)
  } catch (error) {
    if (!noHardLinks(error)) throw error
    await copyFile(file, backup)
  }
}

/**
 * A hard link fails atomically if the target exists, so a file that appeared after the check is
 * never replaced. File systems without hard links (FAT, some network shares) fall back to
 * check-then-rename.
 */
async function claim(file: PendingFile): Promise<void> {
  try {
    await link(file.tempPath, file.finalPath)
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') throw outputExists(file.finalPath)
    if (!noHardLinks(error)) throw error
    if (
      await lstat(file.finalPath).then(
        () => true,
        () => false
      )
    )
      throw outputExists(file.finalPath)
    await rename(file.tempPath, file.finalPath)
    return
  }
  await rm(file.tempPath, { force: true })
}

/**
 * Puts back what a commit placed, newest first: replaced files get their originals again, new
 * files are removed. Synchronous, so the exit hook can run it too (nothing asynchronous runs at exit).
 */
function undo(placed: Placed[]): void {
  for (const { file, backup } of [...placed].reverse()) {
    try {
      if (backup) {
        renameSync(backup, file.finalPath)
        rmSync(backup, { force: true }) // still there when it was a hard link to the final file
      } else rmSync(file.finalPath, { force: true })
    } catch {
      // Best effort; a backup not made yet means the original is still in place. One that exists but
      // could not be put back is the original's only copy: it leaves the temporary-name pattern (which
      // the next run's stale sweep deletes) for a visible name.
      if (backup) {
        try {
          renameSync(backup, keptBackupName(file.finalPath))
        } catch {
          // Nothing left to save.
        }
      }
    }
    if (backup) releaseTemp(backup)
  }
}

/** Where an original goes when it cannot be put back: beside its file, not hidden, never swept. */
function keptBackupName(finalPath: string): string {
  return `${finalPath}.unclip-original-${Date.now()}`
}

function noHardLinks(error: unknown): boolean {
  const code = errnoCode(error)
  return code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EXDEV' || code === 'EOPNOTSUPP'
}

function outputExists(file: string): UnclipError {
  return new UnclipError('OUTPUT_EXISTS', `Output already exists: ${file} (use --overwrite to replace it)`)
}

function notOurs(file: string): UnclipError {
  return new UnclipError(
    'OUTPUT_PROTECTED',
    `Will not replace ${file}: it is one of this run's own photos or outputs, whatever path reaches it`
  )
}
