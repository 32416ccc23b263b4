import { describe, expect, it } from 'vitest'
import { completedUnits, estimateRemainingMs, formatDuration } from './time-estimate'

describe('completedUnits', () => {
  it('adds the current file fraction to the files before it', () => {
    expect(completedUnits({ index: 2, total: 5, stage: 'inference', fraction: 0.5 })).toBe(2.5)
  })

  it('counts a finished, failed or skipped file as whole', () => {
    expect(completedUnits({ index: 2, total: 5, stage: 'done', fraction: 1 })).toBe(3)
    expect(completedUnits({ index: 2, total: 5, stage: 'failed', fraction: 0 })).toBe(3)
    expect(completedUnits({ index: 4, total: 5, stage: 'skipped', fraction: 0 })).toBe(5)
  })

  it('clamps a stray fraction', () => {
    expect(completedUnits({ index: 0, total: 1, stage: 'decode', fraction: 7 })).toBe(1)
  })
})

describe('estimateRemainingMs', () => {
  it('extrapolates the average rate so far', () => {
    expect(estimateRemainingMs(10_000, 2, 10)).toBe(40_000)
  })

  it('says nothing before 2% is done or before any time passed', () => {
    expect(estimateRemainingMs(5_000, 0.1, 10)).toBeNull()
    expect(estimateRemainingMs(0, 1, 10)).toBeNull()
    expect(estimateRemainingMs(1_000, 0, 0)).toBeNull()
  })

  it('is zero when everything is done', () => {
    expect(estimateRemainingMs(3_000, 4, 4)).toBe(0)
  })
})

describe('formatDuration', () => {
  it('writes minutes and seconds, hours only when needed', () => {
    expect(formatDuration(7_000)).toBe('0:07')
    expect(formatDuration(754_000)).toBe('12:34')
    expect(formatDuration(3_723_000)).toBe('1:02:03')
    expect(formatDuration(-5)).toBe('0:00')
  })
})
