import { describe, expect, it } from 'vitest'
import { flipSplit, sliderKey, splitFromPointer } from './slider-keys'

describe('sliderKey', () => {
  it('steps 1% with arrows and 10% with Shift', () => {
    expect(sliderKey('ArrowRight', false, 0.5)).toBeCloseTo(0.51)
    expect(sliderKey('ArrowLeft', false, 0.5)).toBeCloseTo(0.49)
    expect(sliderKey('ArrowRight', true, 0.5)).toBeCloseTo(0.6)
    expect(sliderKey('ArrowDown', true, 0.5)).toBeCloseTo(0.4)
  })

  it('jumps to the ends with Home and End and pages by 10%', () => {
    expect(sliderKey('Home', false, 0.3)).toBe(0)
    expect(sliderKey('End', false, 0.3)).toBe(1)
    expect(sliderKey('PageUp', false, 0.3)).toBeCloseTo(0.4)
    expect(sliderKey('PageDown', false, 0.3)).toBeCloseTo(0.2)
  })

  it('clamps at the ends', () => {
    expect(sliderKey('ArrowLeft', true, 0.05)).toBe(0)
    expect(sliderKey('ArrowRight', false, 1)).toBe(1)
  })

  it('ignores other keys', () => {
    expect(sliderKey('a', false, 0.5)).toBeNull()
    expect(sliderKey('Enter', true, 0.5)).toBeNull()
  })
})

describe('flipSplit', () => {
  it('goes from the middle or the before side to all after, and back', () => {
    expect(flipSplit(0.5)).toBe(0)
    expect(flipSplit(0.9)).toBe(0)
    expect(flipSplit(0)).toBe(1)
    expect(flipSplit(0.2)).toBe(1)
  })
})

describe('splitFromPointer', () => {
  it('maps a pointer x to a clamped fraction', () => {
    expect(splitFromPointer(50, 200)).toBe(0.25)
    expect(splitFromPointer(-10, 200)).toBe(0)
    expect(splitFromPointer(300, 200)).toBe(1)
    expect(splitFromPointer(10, 0)).toBe(0.5)
  })
})
