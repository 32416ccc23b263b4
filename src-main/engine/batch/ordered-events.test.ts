import { describe, expect, it } from 'vitest'
import { OrderedEvents } from './ordered-events'
import type { ProgressEvent, Stage } from '../types'

const event = (index: number, stage: Stage): ProgressEvent => ({
  index,
  total: 2,
  file: `${index}.jpg`,
  stage,
  fraction: 0
})

describe('OrderedEvents', () => {
  it("holds a later photo's events until its turn, then sends them in order", () => {
    const seen: string[] = []
    const events = new OrderedEvents((e) => seen.push(`${e.index}:${e.stage}`))
    events.begin(0)
    events.emit(event(0, 'queued'))
    events.emit(event(1, 'queued'))
    events.emit(event(0, 'upsample'))
    events.emit(event(1, 'decode'))
    events.emit(event(0, 'done'))
    expect(seen).toEqual(['0:queued', '0:upsample', '0:done'])
    events.begin(1)
    events.emit(event(1, 'inference'))
    expect(seen.slice(3)).toEqual(['1:queued', '1:decode', '1:inference'])
  })

  it('drops the held events of a photo that will get no final event', () => {
    const seen: string[] = []
    const events = new OrderedEvents((e) => seen.push(`${e.index}:${e.stage}`))
    events.begin(0)
    events.emit(event(1, 'queued'))
    events.drop(1)
    events.begin(1)
    expect(seen).toEqual([])
  })
})
