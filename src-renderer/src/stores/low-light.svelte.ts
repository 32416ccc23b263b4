import { DEFAULT_LOW_LIGHT_CONTROLS, type LowLightControls } from '../../../src-main/engine/domain/tone-limits'

/** Low light's controls as the panel sets them; a shown low-light result is processed again with them. */
export class LowLightSettings {
  brightnessEv = $state(DEFAULT_LOW_LIGHT_CONTROLS.brightnessEv)
  denoise = $state(DEFAULT_LOW_LIGHT_CONTROLS.denoise)
  blackPoint = $state(DEFAULT_LOW_LIGHT_CONTROLS.blackPoint)

  controls: LowLightControls = $derived({
    brightnessEv: this.brightnessEv,
    denoise: this.denoise,
    blackPoint: this.blackPoint
  })

  set(patch: Partial<LowLightControls>): void {
    if (patch.brightnessEv !== undefined) this.brightnessEv = patch.brightnessEv
    if (patch.denoise !== undefined) this.denoise = patch.denoise
    if (patch.blackPoint !== undefined) this.blackPoint = patch.blackPoint
  }

  reset(): void {
    this.set({ ...DEFAULT_LOW_LIGHT_CONTROLS })
  }
}
