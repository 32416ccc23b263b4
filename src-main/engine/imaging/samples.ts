/**
 * How a photo's stored values read as sRGB floats in [0,1]: decoded photos are kept as their 8- or
 * 16-bit samples and read as `value · unit`, rounded to float32 (`samplesToImage`'s copy, exactly).
 */
import type { PixelSource } from '../types'

/** 1/255 for 8-bit samples, 1/65535 for 16-bit, 1 for floats (already in [0,1]). */
export function sampleUnit(data: PixelSource['data']): number {
  return data instanceof Uint8Array ? 1 / 255 : data instanceof Uint16Array ? 1 / 65535 : 1
}
