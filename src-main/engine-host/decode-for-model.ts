/**
 * How the host decodes a photo: with the model's reduced copy made while decoding, as `convertFile`
 * makes it, so the app's result (and its automatic white point and exports) is a batch's and the CLI's.
 */
import { defaultModelsDir, selectModel } from '../engine/model/model-registry'
import { reducedSizeFor } from '../engine/pipeline/convert'
import type { DecodeOptions } from '../engine/pipeline/decode'
import { cardInferenceSize } from '../engine/pipeline/engine'

/**
 * @param modelsDir The models folder (`defaultModelsDir()` when omitted).
 * @param model The model's name (the product model when omitted).
 * @returns Decode options for each photo. The model's size comes from its card, read once, so a photo
 *   opens without waiting for the session; without a model a photo still opens, with no reduced copy.
 */
export function decodeForModel(modelsDir?: string, model?: string): () => Promise<DecodeOptions> {
  const sizing = selectModel(modelsDir ?? defaultModelsDir(), model).then(
    ({ card }) => ({ inferenceSize: cardInferenceSize(card) }),
    () => undefined
  )
  return async () => {
    const model = await sizing
    // Samples in shared memory: the engine's threads read them (the peak, the full resolution) without copies.
    return model
      ? { reducedSize: (width: number, height: number) => reducedSizeFor(model, width, height), shared: true }
      : { shared: true }
  }
}
