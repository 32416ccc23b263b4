/**
 * The engine host's opened photos: the last few decoded (quick re-open and export), and only the
 * current one's predictions, since their floats are the largest thing the host holds.
 */
import { decodeImage, type DecodedPhoto, type DecodeOptions } from '../engine/pipeline/decode'
import type { Mode, RgbImage } from '../engine/types'
import type { Prediction } from './prediction'
import type { FullResolution } from './preview-result'

/**
 * Decoded images kept for quick re-open and export; each 24 MP image holds 72 MB of 8-bit samples, and
 * ~290 MB more once its float copy is made (low light, the Edit-In colour path).
 */
const DECODED_CACHE_SIZE = 2

export interface CachedImage {
  decoded: DecodedPhoto
  /** The photo at preview size, as `openImage` showed it. */
  preview?: RgbImage
  /** The current image's predictions, by mode. */
  predictions: Partial<Record<Mode, Prediction>>
  /** HDR mode's full resolution while it is computed after its preview-size result was shown. */
  fullHdr?: FullResolution
  /** Low light's model output, so changed controls only re-run its processing. */
  lowLightSource?: RgbImage
}

export class ImageCache {
  private readonly entries = new Map<string, CachedImage>()

  /**
   * @param decodeOptions How to decode a photo: the host asks for the model's reduced copy, made as
   *   `convertFile` makes it, so the app's result is a batch's and the CLI's.
   */
  constructor(private readonly decodeOptions: () => Promise<DecodeOptions> = async () => ({})) {}

  /** The photo at `path`, decoded when not kept; it becomes the most recent. */
  async get(path: string): Promise<CachedImage> {
    const entry = this.entries.get(path) ?? {
      decoded: await decodeImage(path, await this.decodeOptions()),
      predictions: {}
    }
    this.entries.delete(path)
    this.entries.set(path, entry)
    while (this.entries.size > DECODED_CACHE_SIZE) {
      const oldest = this.entries.keys().next().value as string
      // An evicted photo's full resolution is no one's to wait for.
      this.entries.get(oldest)?.fullHdr?.abort.abort()
      this.entries.delete(oldest)
    }
    return entry
  }

  /** Drops every other photo's predictions (and stops a full resolution still being computed). */
  forgetOthers(entry: CachedImage): void {
    for (const other of this.entries.values()) {
      if (other === entry) continue
      other.fullHdr?.abort.abort()
      other.fullHdr = undefined
      other.predictions = {}
      other.lowLightSource = undefined
    }
  }

  /**
   * Keeps a full resolution on its way as `entry`'s HDR prediction once done, unless it was dropped.
   * @param full From `predictPreviewFirst`.
   */
  expect(entry: CachedImage, full: FullResolution): void {
    entry.fullHdr?.abort.abort()
    entry.fullHdr = {
      abort: full.abort,
      done: full.done.then((prediction) => {
        if (entry.fullHdr?.abort !== full.abort) return prediction
        entry.fullHdr = undefined
        if (prediction) entry.predictions.hdr = prediction
        return prediction
      })
    }
  }

  clear(): void {
    for (const entry of this.entries.values()) entry.fullHdr?.abort.abort()
    this.entries.clear()
  }
}
