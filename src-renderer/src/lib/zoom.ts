/**
 * Viewer geometry: a canvas pixel `c` shows image pixel `(c - offset) / scale`. All values are
 * in device pixels so that scale 1 is one image pixel per screen pixel.
 */
export interface View {
  scale: number
  offsetX: number
  offsetY: number
}

export interface Size {
  width: number
  height: number
}

export const MIN_SCALE = 1 / 32
export const MAX_SCALE = 32

/**
 * The whole image centred in the viewport, as large as fits (small images are enlarged too).
 * @returns A view; the identity when either size is empty.
 */
export function fitView(image: Size, viewport: Size): View {
  if (image.width <= 0 || image.height <= 0 || viewport.width <= 0 || viewport.height <= 0) {
    return { scale: 1, offsetX: 0, offsetY: 0 }
  }
  const scale = Math.min(viewport.width / image.width, viewport.height / image.height)
  return centred(image, viewport, scale)
}

/**
 * One image pixel per device pixel, centred on whole pixels so nothing is resampled.
 * @returns A view with scale 1 and integer offsets.
 */
export function actualSizeView(image: Size, viewport: Size): View {
  const v = centred(image, viewport, 1)
  return { scale: 1, offsetX: Math.round(v.offsetX), offsetY: Math.round(v.offsetY) }
}

/**
 * Zooms by `factor` keeping the image point under (anchorX, anchorY) where it is.
 * @param factor Multiplies the scale; the result is clamped to [MIN_SCALE, MAX_SCALE].
 * @returns The new view, with pan limits applied.
 */
export function zoomAt(
  view: View,
  factor: number,
  anchorX: number,
  anchorY: number,
  image: Size,
  viewport: Size
): View {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, view.scale * factor))
  const k = scale / view.scale
  return clampPan(
    { scale, offsetX: anchorX - (anchorX - view.offsetX) * k, offsetY: anchorY - (anchorY - view.offsetY) * k },
    image,
    viewport
  )
}

/** Moves the image by (dx, dy) device pixels, within the pan limits. */
export function panBy(view: View, dx: number, dy: number, image: Size, viewport: Size): View {
  return clampPan({ ...view, offsetX: view.offsetX + dx, offsetY: view.offsetY + dy }, image, viewport)
}

/**
 * Keeps the image on screen: along an axis where it is smaller than the viewport it is centred;
 * where it is larger, no gap may open at either edge.
 */
export function clampPan(view: View, image: Size, viewport: Size): View {
  return {
    scale: view.scale,
    offsetX: clampAxis(view.offsetX, image.width * view.scale, viewport.width),
    offsetY: clampAxis(view.offsetY, image.height * view.scale, viewport.height)
  }
}

/** The image pixel under a canvas point (device pixels), possibly outside the image. */
export function canvasToImage(view: View, x: number, y: number): { x: number; y: number } {
  return { x: (x - view.offsetX) / view.scale, y: (y - view.offsetY) / view.scale }
}

function centred(image: Size, viewport: Size, scale: number): View {
  return {
    scale,
    offsetX: (viewport.width - image.width * scale) / 2,
    offsetY: (viewport.height - image.height * scale) / 2
  }
}

function clampAxis(offset: number, extent: number, viewport: number): number {
  if (extent <= viewport) {
    const centre = (viewport - extent) / 2
    // Whole pixels keep a scale-1 image unresampled even when the viewport size is odd.
    return Number.isInteger(extent) ? Math.round(centre) : centre
  }
  return Math.min(0, Math.max(viewport - extent, offset))
}
