import { describe, expect, it } from 'vitest'
import { overallFraction, renderBar } from './progress-bar'
import type { ProgressEvent } from '../engine/types'

const event = (over: Partial<ProgressEvent>): ProgressEvent => ({
  index: 0,
  total: 4,
  file: '/photos/IMG_1.jpg',
  stage: 'inference',
  fraction: 0.5,
  ...over
})

describe('progress bar', () => {
  it('counts finished files plus the current one', () => {
    expect(overallFraction(event({ index: 1, fraction: 0.5 }))).toBe(0.375)
    expect(overallFraction(event({ index: 3, stage: 'done', fraction: 0 }))).toBe(1)
    expect(overallFraction(event({ total: 0 }))).toBe(1)
  })

  it('draws counter, bar, percent, stage and file name within the width', () => {
    const line = renderBar(event({ index: 1, fraction: 0.5 }), 80)
    expect(line).toBe(`[2/4] ${'█'.repeat(8)}${'░'.repeat(12)}  37% inference IMG_1.jpg`)
    expect(renderBar(event({}), 30).length).toBe(29)
  })
})
