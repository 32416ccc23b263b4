/**
 * Messages between the strip pool and its worker threads. Typed arrays inside are backed by
 * SharedArrayBuffers, so posting them shares memory instead of copying it. Every task carries an
 * `id` its reply repeats.
 */
import type { RatioField } from '../imaging/guided-upsample'
import type { RatioFitInputs } from '../imaging/ratio-fit'
import type { PixelSource } from '../types'
import type { EncodedStrip, StripJob } from './strip-work'

export type StripRequest =
  | { type: 'job'; jobId: number; job: StripJob }
  | { type: 'strip'; id: string; jobId: number; y0: number; rows: number; out: Float32Array }
  | { type: 'end'; jobId: number }
  | { type: 'fit'; id: string; inputs: RatioFitInputs; channel: number }
  /** `blockBounds` of cell rows `[ya0, ya1)`, written into the shared `out`. */
  | { type: 'bounds'; id: string; field: RatioField; source: PixelSource; ya0: number; ya1: number; out: Float64Array }

export type StripReply =
  | { type: 'ready' }
  | { type: 'done'; id: string; encoded?: EncodedStrip }
  | { type: 'failed'; id: string; message: string }
