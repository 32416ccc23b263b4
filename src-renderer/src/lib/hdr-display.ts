/**
 * Whether the screen shows more than SDR white, and how much more. Chromium reports HDR screens
 * through the `(dynamic-range: high)` media query and, where available, the headroom as
 * `screen.highDynamicRangeHeadroom` (peak over SDR white, linear). The preview's HDR view needs both
 * that and a canvas that can hold values above 1 (`drawingBufferStorage` with a float format and
 * `configureHighDynamicRange`); without them it stays on the SDR rendering.
 */

/** The parts of `window` read here (tests pass their own). */
export interface DisplayEnvironment {
  matchMedia(query: string): { matches: boolean }
  screen: object
}

export interface HdrDisplay {
  /** The display reports HDR. */
  hdr: boolean
  /** Linear headroom above SDR white: 1 on SDR screens. */
  headroom: number
  /** Why the HDR view is or is not offered, for the toggle's tooltip. */
  reason: string
}

/** Assumed when a screen says it is HDR without saying how bright: a modest, safe 1 stop. */
const UNREPORTED_HEADROOM = 2

/** Reads the display's HDR capability (see the module comment). */
export function detectHdrDisplay(env: DisplayEnvironment): HdrDisplay {
  const hdr = env.matchMedia('(dynamic-range: high)').matches
  const reported = (env.screen as { highDynamicRangeHeadroom?: unknown }).highDynamicRangeHeadroom
  if (!hdr) return { hdr: false, headroom: 1, reason: 'This display does not report HDR; the SDR rendering is shown.' }
  const headroom =
    typeof reported === 'number' && Number.isFinite(reported) && reported > 1 ? reported : UNREPORTED_HEADROOM
  return { hdr: true, headroom, reason: `HDR display: highlights up to ${headroom.toFixed(1)}× SDR white.` }
}

/** The canvas features the HDR view draws with, present in this browser. */
export function canvasSupportsHdr(canvas: HTMLCanvasElement, gl: WebGL2RenderingContext): boolean {
  return (
    typeof (gl as unknown as { drawingBufferStorage?: unknown }).drawingBufferStorage === 'function' &&
    typeof (canvas as unknown as { configureHighDynamicRange?: unknown }).configureHighDynamicRange === 'function'
  )
}
