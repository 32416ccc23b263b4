/**
 * Tone-mapping parameters and the range a user can set each to: the sliders use these ranges, the
 * stored settings are clamped to them and IPC validation accepts them. The tone-mapping formula
 * itself (`imaging/tonemap.ts`) accepts any value it is defined for (the engine also runs it with
 * `whitePoint: Infinity`, plain Reinhard).
 */

/** Tone-mapping operators shared by export and the live preview. */
export const TONE_OPERATORS = ['highlights', 'reinhard', 'exposure'] as const

export type ToneOperator = (typeof TONE_OPERATORS)[number]

export interface ToneLimit {
  min: number
  max: number
  /** Slider step. */
  step: number
}

export const TONE_LIMITS = {
  /** Stops applied to linear radiance before the operator. */
  exposureEv: { min: -5, max: 5, step: 0.1 },
  /**
   * The level mapped to white (1.0 = the input's clipping); photos' recovered peaks reach 30–60×.
   * IPC also accepts any positive value and `Infinity`.
   */
  whitePoint: { min: 1, max: 64, step: 0.5 },
  /** Display gamma after the sRGB encode. */
  gamma: { min: 0.5, max: 2.5, step: 0.05 }
} as const satisfies Record<string, ToneLimit>

/** Low light's controls (`LowLightControls`): the app's sliders and IPC validation use these ranges. */
export const LOW_LIGHT_LIMITS = {
  /** Stops added to the automatic exposure. */
  brightnessEv: { min: -3, max: 3, step: 0.1 },
  /** Denoiser strength, 1 = tuned default. */
  denoise: { min: 0, max: 2, step: 0.1 },
  /** Share of pixels taken as each channel's black. */
  blackPoint: { min: 0, max: 0.05, step: 0.001 }
} as const satisfies Record<string, ToneLimit>

/** The user's adjustments to low light's automatic choices (`engine/pipeline/lowlight.ts`). */
export interface LowLightControls {
  /** Stops added to the automatic exposure. */
  brightnessEv: number
  /** Multiplies the denoiser's strength: 0 leaves the noise, 1 is the tuned default. */
  denoise: number
  /** Share of pixels each channel's black level is taken at; 0 keeps the lifted floor. */
  blackPoint: number
}

export const DEFAULT_LOW_LIGHT_CONTROLS: Readonly<LowLightControls> = Object.freeze({
  brightnessEv: 0,
  denoise: 1,
  blackPoint: 0.02
})
