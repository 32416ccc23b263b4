import type { Stage } from '../../../src-main/engine/types'

/** What each conversion stage is called on screen. */
export const STAGE_LABELS: Readonly<Record<Stage, string>> = Object.freeze({
  queued: 'Waiting',
  decode: 'Reading the photo',
  inference: 'Running the model',
  upsample: 'Full resolution',
  denoise: 'Denoising',
  tone: 'Black point and highlights',
  encode: 'Encoding',
  write: 'Writing',
  done: 'Done',
  failed: 'Failed',
  skipped: 'Skipped'
})
