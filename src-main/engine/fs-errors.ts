/**
 * File-system errors as plain sentences that name the file: one table of what each `errno` code
 * means to a photographer, used for reading inputs, listing folders and writing outputs, so no
 * ELOOP or EACCES ever reaches the user as "Unexpected error".
 */
import { UnclipError } from './errors'

/** What went wrong, completing "Cannot read X: …" or "Cannot write X: …". */
const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many symbolic links (a link that points back at itself?)',
  ENOENT: 'it does not exist',
  ENOTDIR: 'a file is in the way of a folder in its path',
  EISDIR: 'it is a folder',
  EEXIST: 'a file is in the way',
  ENAMETOOLONG: 'the name is too long',
  EROFS: 'read-only file system',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file is too large for this file system',
  EMFILE: 'too many files are open',
  ENFILE: 'too many files are open',
  EBUSY: 'it is in use',
  ETXTBSY: 'it is in use',
  EIO: 'input/output error (a failing or disconnected drive?)',
  ENXIO: 'the device is not available',
  ENODEV: 'the device is not available',
  ESTALE: 'the network share went away',
  ETIMEDOUT: 'the network share did not answer',
  EXDEV: 'it is on another drive',
  EINVAL: 'the name is not valid here'
}

/** The `errno` code of a Node file-system error, if `error` is one. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined
}

/**
 * The reason part of a sentence for a file-system error.
 * @returns e.g. `permission denied`; the system's own words for codes not in the table.
 */
export function fsReason(error: unknown): string {
  const code = errnoCode(error)
  if (code && REASONS[code]) return REASONS[code]
  const message = error instanceof Error ? error.message : String(error)
  // Node's messages read "EXYZ: description, syscall 'path'"; the description is the useful part.
  return /^E[A-Z]+: ([^,]+)/.exec(message)?.[1] ?? message
}

/**
 * An error met while reading an input file or listing a folder.
 * @param error What fs threw; coded errors pass through unchanged.
 * @param file The file or folder being read.
 * @returns `FILE_NOT_FOUND` (`File not found: X`) or `NOT_READABLE` (`Cannot read X: permission denied`).
 */
export function readError(error: unknown, file: string): UnclipError {
  if (error instanceof UnclipError) return error
  const code = errnoCode(error)
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return new UnclipError('FILE_NOT_FOUND', `File not found: ${file}`, { cause: error })
  return new UnclipError('NOT_READABLE', `Cannot read ${file}: ${fsReason(error)}`, { cause: error })
}

/**
 * An error met while writing an output.
 * @param error What fs threw; anything that is not a file-system error passes through unchanged.
 * @param dir Output folder, named when the folder is the problem (permissions, read-only).
 * @param file Output file, named for everything else.
 * @returns `OUTPUT_NOT_WRITABLE`, or `DISK_FULL` for a full disk or quota.
 */
export function writeError(error: unknown, dir: string, file: string): unknown {
  const code = errnoCode(error)
  if (error instanceof UnclipError || !code) return error
  switch (code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new UnclipError('OUTPUT_NOT_WRITABLE', `Cannot write to ${dir}: ${fsReason(error)}`, { cause: error })
    case 'ENOTDIR':
    case 'EEXIST':
      return new UnclipError('OUTPUT_NOT_WRITABLE', `Cannot write to ${dir}: a file is in the way of the folder`, {
        cause: error
      })
    case 'ENOSPC':
    case 'EDQUOT':
      return new UnclipError('DISK_FULL', `Disk full while writing ${file}`, { cause: error })
    default:
      return new UnclipError('OUTPUT_NOT_WRITABLE', `Cannot write ${file}: ${fsReason(error)}`, { cause: error })
  }
}
