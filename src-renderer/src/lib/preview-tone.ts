import { LOW_LIGHT_DISPLAY_TONEMAP } from '../../../src-main/engine/imaging/tonemap'
import type { ConvertedImage, ToneMapSettings } from '../../../src-preload/contract'

/**
 * The engine's low-light writers' tone settings (clamp and sRGB-encode only), so the preview shows
 * what the PNG holds; the e2e's low-light step checks that they agree.
 */
export const LOW_LIGHT_PREVIEW_TONEMAP: ToneMapSettings = LOW_LIGHT_DISPLAY_TONEMAP

/**
 * How the preview tone-maps a result. A low-light result is already exposed and tone-curved and
 * its PNG ignores the tone settings, so the preview does too; an HDR result uses `settings`.
 */
export function previewTone(converted: ConvertedImage | null, settings: ToneMapSettings): ToneMapSettings {
  return converted?.mode === 'lowlight' ? LOW_LIGHT_PREVIEW_TONEMAP : settings
}
