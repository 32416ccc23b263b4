/** Assertions on the engine's one error class. */
import { expect } from 'vitest'
import { UnclipError } from '../../src-main/engine/errors'

/** Awaits `promise` and checks it rejected with an `UnclipError` of exactly this code and message. */
export async function expectError(promise: Promise<unknown>, code: string, message: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(UnclipError)
  expect((error as UnclipError).code).toBe(code)
  expect((error as UnclipError).message).toBe(message)
}
