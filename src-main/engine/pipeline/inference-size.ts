/**
 * The size the model runs at: a photo reduced to its model card's long side (the short side kept
 * for panoramas, which are then tiled). Shared by the engine, the CLI's decode and the app's.
 */
import type { ModelCard } from '../types'

/** Default long side the model runs at when the card does not say. */
export const DEFAULT_INFERENCE_LONG_SIDE = 1024

/** The long side a model card asks its model to run at, or the default. */
export function cardLongSide(card: ModelCard): number {
  return card.inference_long_side ?? DEFAULT_INFERENCE_LONG_SIDE
}

/** `inferenceSize` for a model card, before (or without) its session. */
export function cardInferenceSize(
  card: ModelCard
): (width: number, height: number) => { width: number; height: number } {
  const longSide = cardLongSide(card)
  return (width, height) => inferenceSize(width, height, longSide)
}

/** A reduced copy keeps at least this short side, so panoramas keep vertical detail (and get tiled). */
export const MIN_INFERENCE_SHORT_SIDE = 256

/**
 * Size the model runs at for a photo: long side reduced to `longSide`, but the short side kept
 * at ≥ 256 px (wide panoramas are then tiled); photos already small run as they are.
 * @param width Photo width in pixels.
 * @param height Photo height in pixels.
 * @param longSide The card's `inference_long_side` (default 1024).
 * @returns Width and height, each ≥ 1 and ≤ the input's.
 */
export function inferenceSize(width: number, height: number, longSide: number): { width: number; height: number } {
  let scale = Math.min(1, longSide / Math.max(width, height))
  scale = Math.max(scale, Math.min(1, MIN_INFERENCE_SHORT_SIDE / Math.min(width, height)))
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) }
}
