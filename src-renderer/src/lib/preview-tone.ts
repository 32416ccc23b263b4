import type { ConvertedImage, ToneMapSettings } from '../../../src-preload/contract'

/**
 * The engine's `LOW_LIGHT_DISPLAY_TONEMAP` (clamp and sRGB-encode only), restated because the
 * renderer's build and type check do not reach the engine's low-light module. The e2e's low-light
 * step checks that the preview and the exported PNG agree.
 */
export const LOW_LIGHT_PREVIEW_TONEMAP: ToneMapSettings = Object.freeze({
  operator: 'exposure',
  exposureEv: 0,
  whitePoint: Infinity,
  gamma: 1
})

/**
 * How the preview tone-maps a result. A low-light result is already exposed and tone-curved and
 * its PNG ignores the tone settings, so the preview does too; an HDR result uses `settings`.
 */
export function previewTone(converted: ConvertedImage | null, settings: ToneMapSettings): ToneMapSettings {
  return converted?.mode === 'lowlight' ? LOW_LIGHT_PREVIEW_TONEMAP : settings
}
