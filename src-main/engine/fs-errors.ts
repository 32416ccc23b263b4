/**
 * File-system errors as plain sentences that name the file, for reading inputs, listing folders and
 * writing outputs, so no ELOOP or EACCES ever reaches the user as "Unexpected error". The table of
 * what each `errno` code means lives in `errors.ts` (the renderer imports that module too).
 */
import { errnoCode, fsReason, UnclipError } from './errors'

export { errnoCode, fsReason } from './errors'

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
