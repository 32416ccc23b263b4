/** Fine and coarse keyboard steps for the before/after divider, as fractions of the width. */
export const SLIDER_STEP = 0.01
export const SLIDER_BIG_STEP = 0.1

/**
 * The divider position after a key press, or null when the key is not the slider's.
 * Arrows move by 1% (10% with Shift), Page Up/Down by 10%, Home/End jump to the ends.
 * @param key `KeyboardEvent.key`.
 * @param shift Whether Shift is held.
 * @param value Current position in [0,1]: the fraction of the width showing "before".
 * @returns The new position, clamped to [0,1].
 */
export function sliderKey(key: string, shift: boolean, value: number): number | null {
  const step = shift ? SLIDER_BIG_STEP : SLIDER_STEP
  switch (key) {
    case 'ArrowLeft':
    case 'ArrowDown':
      return clamp01(value - step)
    case 'ArrowRight':
    case 'ArrowUp':
      return clamp01(value + step)
    case 'PageDown':
      return clamp01(value - SLIDER_BIG_STEP)
    case 'PageUp':
      return clamp01(value + SLIDER_BIG_STEP)
    case 'Home':
      return 0
    case 'End':
      return 1
    default:
      return null
  }
}

/**
 * Flips between showing all of one side and all of the other: from the "before" half (or the
 * middle) to all "after", otherwise to all "before".
 * @param value Current position in [0,1].
 * @returns 0 (all after) or 1 (all before).
 */
export function flipSplit(value: number): number {
  return value >= 0.5 ? 0 : 1
}

/** Position from a pointer x inside an element of the given width. */
export function splitFromPointer(x: number, width: number): number {
  return width > 0 ? clamp01(x / width) : 0.5
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v
}
