import type { ErrorCode } from './types'

/**
 * The one error type the engine throws. `code` is from the closed `ErrorCode` set; `message` is
 * written for a photographer (what went wrong, with which file, what to do).
 */
export class UnclipError extends Error {
  readonly code: ErrorCode

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'UnclipError'
    this.code = code
  }

  /** Plain object form for JSON output and IPC. */
  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message }
  }
}

/** True when `error` is an UnclipError with the given code (any code when omitted). */
export function isUnclipError(error: unknown, code?: ErrorCode): error is UnclipError {
  return error instanceof UnclipError && (code === undefined || error.code === code)
}

/**
 * Wraps anything thrown into an UnclipError, keeping coded errors as they are. A file-system error
 * that no caller put in context still becomes a sentence naming its file, never "Unexpected error".
 */
export function toUnclipError(error: unknown): UnclipError {
  if (error instanceof UnclipError) return error
  const code = errnoCode(error)
  const file = (error as { path?: unknown } | undefined)?.path
  if (code && typeof file === 'string') {
    const errorCode: ErrorCode = code === 'ENOSPC' || code === 'EDQUOT' ? 'DISK_FULL' : 'NOT_READABLE'
    return new UnclipError(errorCode, `Cannot use ${file}: ${fsReason(error)}`, { cause: error })
  }
  const message = error instanceof Error ? error.message : String(error)
  return new UnclipError('INTERNAL', `Unexpected error: ${message}`, { cause: error })
}

/** The error every cancellable operation throws once its AbortSignal fires. */
export function cancelledError(): UnclipError {
  return new UnclipError('CANCELLED', 'Cancelled by the user.')
}

/** Throws `cancelledError()` if the signal has fired; call between units of work. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelledError()
}

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
  const code = (error as { code?: unknown } | undefined)?.code
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
 * `work`, or `cancelledError()` as soon as `signal` fires: a cancel need not wait for work that
 * carries on for someone else (the app's full resolution of a photo, say).
 */
export async function untilCancelled<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work
  throwIfAborted(signal)
  let onAbort = (): void => undefined
  const cancelled = new Promise<never>((_, reject) => {
    onAbort = () => reject(cancelledError())
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([work, cancelled])
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}
