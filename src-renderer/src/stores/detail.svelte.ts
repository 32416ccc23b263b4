import type { Api, ConvertedImage, ImageRegion, OpenedImage, RegionRect } from '../../../src-preload/contract'
import { rangeRect, tileRect, tilesInView } from '../lib/tiles'
import type { Size, View } from '../lib/zoom'

/** Tiles kept per photo and result: about 12 views' worth at 1280×800, ~9 MB each with a result. */
const CACHED_TILES = 48

/** Full-resolution tiles covering the view, ready to upload; `hasResult` says whether they carry the result. */
export interface DetailTiles {
  rect: RegionRect
  tiles: ImageRegion[]
  hasResult: boolean
}

/**
 * The photo's own pixels for views at 100 % and above: fetches the tiles under the view from the
 * engine (`image:region`), keeps recent ones for panning back, and drops them all when the photo or
 * its result changes.
 */
export class Detail {
  /** What the viewer should draw over the preview; null: the preview alone. */
  shown = $state.raw<DetailTiles | null>(null)

  readonly #api: Api
  // A cache the template never reads: reactivity would only cost.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #cache = new Map<string, ImageRegion>()
  #opened: OpenedImage | null = null
  #converted: ConvertedImage | null = null
  #request = 0

  constructor(api: Api) {
    this.#api = api
  }

  /** Shows the tiles `view` needs once they are all here; a newer call supersedes this one. */
  async update(
    opened: OpenedImage | null,
    converted: ConvertedImage | null,
    view: View,
    viewport: Size
  ): Promise<void> {
    const request = ++this.#request
    if (opened !== this.#opened || converted !== this.#converted) {
      this.#cache.clear()
      this.#opened = opened
      this.#converted = converted
      this.shown = null
    }
    if (!opened) return
    const image = { width: opened.width, height: opened.height }
    const preview = { width: opened.previewWidth, height: opened.previewHeight }
    const range = tilesInView(view, viewport, image, preview)
    if (!range) {
      this.shown = null
      return
    }
    const tiles: ImageRegion[] = []
    for (let ty = range.y0; ty <= range.y1; ty++) {
      for (let tx = range.x0; tx <= range.x1; tx++) {
        const tile = await this.#tile(opened, converted, tx, ty, image)
        if (request !== this.#request) return
        if (!tile) {
          this.shown = null
          return
        }
        tiles.push(tile)
      }
    }
    this.shown = { rect: rangeRect(range, image), tiles, hasResult: converted !== null }
  }

  async #tile(
    opened: OpenedImage,
    converted: ConvertedImage | null,
    tx: number,
    ty: number,
    image: Size
  ): Promise<ImageRegion | null> {
    const key = `${tx},${ty}`
    const hit = this.#cache.get(key)
    if (hit) {
      this.#cache.delete(key)
      this.#cache.set(key, hit)
      return hit
    }
    const result = await this.#api.readRegion({
      path: opened.path,
      mode: converted?.mode ?? null,
      ...tileRect(tx, ty, image)
    })
    // A tile of a photo or result no longer shown is not kept.
    if (!result.ok || opened !== this.#opened || converted !== this.#converted) return null
    this.#cache.set(key, result.value)
    while (this.#cache.size > CACHED_TILES) this.#cache.delete(this.#cache.keys().next().value as string)
    return result.value
  }
}
