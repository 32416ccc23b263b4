/** The conversion the TIFF tests read back: every linear and 16-bit output beside the two TIFFs. */
import path from 'node:path'
import { convertFile } from '../../src-main/engine/pipeline/convert'
import type { Engine } from '../../src-main/engine/pipeline/engine'
import type { ConvertResult, ToneMapSettings } from '../../src-main/engine/types'

/** Tone settings away from the defaults, so a writer that ignored them would be caught. */
export const TIFF_TEST_TONEMAP: ToneMapSettings = { operator: 'reinhard', exposureEv: 0.3, whitePoint: 5, gamma: 1 }

/** Converts `photo` into `<root>/<name>.exr`, `-16bit.png`, `.tif` and `-hdr.tif`. */
export function convertToTiffs(engine: Engine, photo: string, root: string, name: string): Promise<ConvertResult> {
  return convertFile(engine, photo, {
    outDir: root,
    outputBase: path.join(root, name),
    formats: ['exr', 'png16', 'tif16', 'tif32'],
    mode: 'hdr',
    overwrite: false,
    tonemap: TIFF_TEST_TONEMAP
  })
}
