import { describe, expect, it } from 'vitest'
import { UnclipError } from '../../src-main/engine/errors'
import {
  absolutePath,
  arrayOf,
  integerBetween,
  jobId,
  mode,
  nothing,
  outputFormats,
  toneMap
} from '../../src-main/ipc/validate'

const message = (run: () => unknown): string => {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(UnclipError)
    expect((error as UnclipError).code).toBe('INVALID_ARGUMENT')
    return (error as Error).message
  }
  throw new Error('expected a throw')
}

describe('validate', () => {
  it('absolute paths', () => {
    expect(message(() => absolutePath('x', 'path'))).toBe(
      'Expected absolute path for path but received "x" of type string'
    )
    expect(message(() => absolutePath(3, 'path'))).toBe('Expected absolute path for path but received 3 of type number')
    expect(message(() => absolutePath(undefined, 'folder'))).toBe(
      'Expected absolute path for folder but received undefined of type undefined'
    )
    expect(message(() => absolutePath('/a\0b', 'path'))).toBe(
      'Expected absolute path for path but received "/a\\u0000b" of type string'
    )
    expect(absolutePath('/photos/../etc/x.jpg', 'path')).toBe('/etc/x.jpg')
  })
  it('integers, job ids, modes, nothing', () => {
    expect(message(() => integerBetween(16, 1024)(0, 'maxSide'))).toBe(
      'Expected integer between 16 and 1024 for maxSide but received 0 of type number'
    )
    expect(message(() => jobId('', 'jobId'))).toBe(
      'Expected job id of 1 to 128 letters, digits or _.:- for jobId but received "" of type string'
    )
    expect(message(() => mode('night', 'mode'))).toBe(
      "Expected one of 'hdr', 'lowlight' for mode but received \"night\" of type string"
    )
    expect(message(() => nothing({ a: 1 }, 'request'))).toBe('Expected no argument for request but received object')
    expect(jobId('job-1', 'jobId')).toBe('job-1')
  })
  it('formats and arrays name the bad item', () => {
    expect(message(() => outputFormats([], 'formats'))).toBe(
      'Expected array of 1 to 8 items for formats but received array of length 0'
    )
    expect(message(() => outputFormats(['hdr', 'jpeg'], 'formats'))).toBe(
      "Expected one of 'hdr', 'png', 'png16', 'exr', 'jpg', 'jpg-hdr', 'tif16', 'tif32' for formats[1] but received \"jpeg\" of type string"
    )
    expect(outputFormats(['exr', 'jpg', 'jpg-hdr'], 'formats')).toEqual(['exr', 'jpg', 'jpg-hdr'])
    expect(message(() => outputFormats(['hdr', 'hdr'], 'formats'))).toBe(
      'Expected distinct output formats for formats but received array of length 2'
    )
    expect(message(() => arrayOf(absolutePath)(['/a', 'b'], 'paths'))).toBe(
      'Expected absolute path for paths[1] but received "b" of type string'
    )
  })
  it('tone mapping', () => {
    const good = { operator: 'reinhard', exposureEv: 0, whitePoint: Infinity, gamma: 1 }
    expect(toneMap(good, 'tonemap')).toEqual(good)
    expect(message(() => toneMap({ ...good, exposureEv: 9 }, 'tonemap'))).toBe(
      'Expected number between -5 and 5 for tonemap.exposureEv but received 9 of type number'
    )
    expect(message(() => toneMap({ ...good, whitePoint: -1 }, 'tonemap'))).toBe(
      'Expected positive number or Infinity for tonemap.whitePoint but received -1 of type number'
    )
    expect(message(() => toneMap(null, 'tonemap'))).toBe('Expected object for tonemap but received null')
  })
})
