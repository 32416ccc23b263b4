import { DEFAULT_TONEMAP } from '../../../src-main/engine/imaging/tonemap'
import type { Api, ToneMapSettings } from '../../../src-preload/contract'
import { TONE_LIMITS, type ToneLimit } from '../../../src-main/engine/domain/tone-limits'
import type { ToneOperator } from '../../../src-main/engine/types'

/** Settings are written after the user pauses so dragging a slider is not a stream of writes. */
const SAVE_DELAY_MS = 400

/** Preview tone mapping; also what PNG export and batch use, so the file matches the screen. */
export class ToneSettings {
  operator = $state<ToneOperator>(DEFAULT_TONEMAP.operator)
  exposureEv = $state(DEFAULT_TONEMAP.exposureEv)
  whitePoint = $state(DEFAULT_TONEMAP.whitePoint)
  gamma = $state(DEFAULT_TONEMAP.gamma)

  settings: ToneMapSettings = $derived({
    operator: this.operator,
    exposureEv: this.exposureEv,
    whitePoint: this.whitePoint,
    gamma: this.gamma
  })

  readonly #api: Api
  #saveTimer: ReturnType<typeof setTimeout> | undefined

  constructor(api: Api) {
    this.#api = api
  }

  /** Takes the stored preview settings, ignoring out-of-range values from older versions. */
  async load(): Promise<void> {
    const result = await this.#api.getSettings()
    if (!result.ok) return
    const p = result.value.preview
    this.operator = p.operator === 'exposure' ? 'exposure' : 'reinhard'
    this.exposureEv = clamp(p.exposureEv, TONE_LIMITS.exposureEv, DEFAULT_TONEMAP.exposureEv)
    this.whitePoint = clamp(p.whitePoint, TONE_LIMITS.whitePoint, DEFAULT_TONEMAP.whitePoint)
    this.gamma = clamp(p.gamma, TONE_LIMITS.gamma, DEFAULT_TONEMAP.gamma)
  }

  set(patch: Partial<ToneMapSettings>): void {
    if (patch.operator !== undefined) this.operator = patch.operator
    if (patch.exposureEv !== undefined) this.exposureEv = patch.exposureEv
    if (patch.whitePoint !== undefined) this.whitePoint = patch.whitePoint
    if (patch.gamma !== undefined) this.gamma = patch.gamma
    this.#scheduleSave()
  }

  reset(): void {
    this.set({ ...DEFAULT_TONEMAP })
  }

  dispose(): void {
    clearTimeout(this.#saveTimer)
  }

  #scheduleSave(): void {
    clearTimeout(this.#saveTimer)
    this.#saveTimer = setTimeout(() => void this.#api.setSettings({ preview: this.settings }), SAVE_DELAY_MS)
  }
}

function clamp(value: number, { min, max }: ToneLimit, fallback: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback
}
