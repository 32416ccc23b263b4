/**
 * onnxruntime execution providers Unclip knows how to ask for, in onnxruntime-node's spelling.
 * Which ones a platform tries, and in what order, lives in `model/providers.ts`.
 */
export const PROVIDER_NAMES = ['cuda', 'dml', 'coreml', 'webgpu', 'cpu'] as const

export type ProviderName = (typeof PROVIDER_NAMES)[number]
