/** What the model is asked to do; `lowlight` brightens dark photos after the HDR prediction. */
export const MODES = ['hdr', 'lowlight'] as const

export type Mode = (typeof MODES)[number]
