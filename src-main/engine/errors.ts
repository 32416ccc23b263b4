import { errnoCode, fsReason } from './fs-errors'
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
  const file = (error as NodeJS.ErrnoException | undefined)?.path
  if (code && file) {
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
