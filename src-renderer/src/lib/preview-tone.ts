import { LOW_LIGHT_DISPLAY_TONEMAP } from '../../../src-main/engine/imaging/tonemap'
import type { ConvertedImage, ToneMapSettings } from '../../../src-preload/contract'

/**
 * The engine's low-light writers' tone settings (clamp and sRGB-encode only), so the preview shows
 * what the PNG holds; the e2e's low-light step checks that they agree.
 */
export const LOW_LIGHT_PREVIEW_TONEMAP: ToneMapSettings = LOW_LIGHT_DISPLAY_TONEMAP

/** The part of the tone store the preview needs (`ToneSettings`). */
export interface ToneSource {
  forPeak(peak: number): ToneMapSettings
}

/**
 * How the preview (both sides) tone-maps a result, and what Export is given, so the file is the
 * screen. A low-light result is already exposed and tone-curved and its PNG ignores the tone
 * settings, so the preview does too; an HDR result uses the user's settings with the white point
 * resolved from its peak; the input alone (no result yet) has its white at 1.
 */
export function previewTone(converted: ConvertedImage | null, tone: ToneSource): ToneMapSettings {
  return converted?.mode === 'lowlight' ? LOW_LIGHT_PREVIEW_TONEMAP : tone.forPeak(converted?.peak ?? 1)
}
