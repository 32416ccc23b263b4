/**
 * Errors the shell adds on top of the engine's (`PATH_NOT_ALLOWED`, `JOB_NOT_FOUND`, ...), and the
 * one conversion of anything thrown into the `AppError` a handler answers with.
 */
import type { AppError, AppErrorCode } from '../../src-preload/contract'
import { UnclipError } from '../engine/errors'

export class ShellError extends Error {
  readonly code: AppErrorCode

  constructor(code: AppErrorCode, message: string) {
    super(message)
    this.name = 'ShellError'
    this.code = code
  }
}

/** Coded errors keep their code and message; anything else becomes `INTERNAL`. */
export function toAppError(error: unknown): AppError {
  if (error instanceof UnclipError || error instanceof ShellError) return { code: error.code, message: error.message }
  // Errors that crossed the worker boundary arrive as plain `{ code, message }` objects.
  if (isAppError(error)) return { code: error.code, message: error.message }
  const message = error instanceof Error ? error.message : String(error)
  return { code: 'INTERNAL', message: `Unexpected error: ${message}` }
}

const CODES: ReadonlySet<AppErrorCode> = new Set<AppErrorCode>([
  'FILE_NOT_FOUND',
  'NOT_AN_IMAGE',
  'NOT_READABLE',
  'CORRUPT_IMAGE',
  'UNSUPPORTED_FORMAT',
  'TOO_LARGE',
  'OUTPUT_EXISTS',
  'OUTPUT_PROTECTED',
  'OUTPUT_NOT_WRITABLE',
  'DISK_FULL',
  'MODEL_MISSING',
  'MODEL_CORRUPT',
  'PROVIDER_UNAVAILABLE',
  'MODE_UNAVAILABLE',
  'INVALID_ARGUMENT',
  'CANCELLED',
  'INTERNAL',
  'PATH_NOT_ALLOWED',
  'JOB_NOT_FOUND',
  'JOB_EXISTS',
  'FORBIDDEN',
  'ENGINE_CRASHED'
])

/** True for a plain `{ code, message }` whose code is in the closed set. */
export function isAppError(value: unknown): value is AppError {
  if (typeof value !== 'object' || value === null) return false
  const { code, message } = value as Record<string, unknown>
  return typeof code === 'string' && CODES.has(code as AppErrorCode) && typeof message === 'string'
}
