import { describe, expect, it } from 'vitest'
import { ShellError } from '../../src-main/ipc/app-error'
import { createPathGuard } from '../../src-main/ipc/path-guard'

describe('path guard', () => {
  it('allows nothing until granted', () => {
    expect(createPathGuard().allows('/photos/a.jpg')).toBe(false)
  })
  it('file grants cover that file only', () => {
    const guard = createPathGuard()
    guard.grant('/photos/a.jpg', 'file')
    expect(guard.allows('/photos/a.jpg')).toBe(true)
    expect(guard.allows('/photos/b.jpg')).toBe(false)
    expect(guard.allows('/photos')).toBe(false)
  })
  it('tree grants cover descendants but not siblings with a common prefix or .. escapes', () => {
    const guard = createPathGuard()
    guard.grant('/photos/trip', 'tree')
    expect(guard.allows('/photos/trip')).toBe(true)
    expect(guard.allows('/photos/trip/day1/a.jpg')).toBe(true)
    expect(guard.allows('/photos/trip2/a.jpg')).toBe(false)
    expect(guard.allows('/photos/trip/../../etc/passwd')).toBe(false)
  })
  it('check throws PATH_NOT_ALLOWED naming the argument', () => {
    const guard = createPathGuard()
    try {
      guard.check('/etc/passwd', 'path')
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ShellError)
      expect((error as ShellError).code).toBe('PATH_NOT_ALLOWED')
      expect((error as Error).message).toBe(
        'Not allowed to access path "/etc/passwd": open it with the Open dialog or drop it on the window first.'
      )
    }
  })
})
