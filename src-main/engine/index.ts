/**
 * The engine's public API: everything the CLI, batch runner and Electron shell import.
 */
export * from './types'
export { UnclipError, isUnclipError, toUnclipError, cancelledError, throwIfAborted } from './errors'
export { decodeImage, decodeSamples, samplesToImage, DEFAULT_MAX_PIXELS, type DecodeOptions } from './decode'
export { defaultModelsDir, listModels, selectModel, type ModelEntry } from './model-registry'
export { preferredProviders, providersAvailable, cudaLibrariesInstalled } from './providers'
export {
  createEngine,
  inferenceSize,
  DEFAULT_INFERENCE_LONG_SIDE,
  type Engine,
  type EngineOptions,
  type PredictOptions,
  type PredictTimings,
  type StripSink
} from './engine'
export { convertFile, outputPathFor, type ConvertFileOptions } from './convert'
export { DEFAULT_TONEMAP, toneMapImage, srgbDecode, srgbEncode, luminance } from './tonemap'
export { encodeRadiance, createRadianceEncoder, decodeRadiance } from './radiance'
export {
  convertBatch,
  convertPlanned,
  planBatch,
  assertModeAvailable,
  SUPPORTED_EXTENSIONS,
  DEFAULT_OUT_DIR_NAME,
  type PlannedFile
} from './batch'
export { lowLightImage, processLowLight, LOW_LIGHT_DISPLAY_TONEMAP, LOW_LIGHT_KEY } from './lowlight'
