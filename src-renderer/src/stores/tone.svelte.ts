import { autoWhitePoint, DEFAULT_TONEMAP } from '../../../src-main/engine/imaging/tonemap'
import type { Api, ToneMapSettings } from '../../../src-preload/contract'
import { TONE_LIMITS, TONE_OPERATORS, type ToneLimit } from '../../../src-main/engine/domain/tone-limits'
import type { ToneOperator } from '../../../src-main/engine/types'

/** Settings are written after the user pauses so dragging a slider is not a stream of writes. */
const SAVE_DELAY_MS = 400

/** Preview tone mapping; also what PNG export and batch use, so the file matches the screen. */
export class ToneSettings {
  operator = $state<ToneOperator>(DEFAULT_TONEMAP.operator)
  exposureEv = $state(DEFAULT_TONEMAP.exposureEv)
  whitePoint = $state(DEFAULT_TONEMAP.whitePoint)
  gamma = $state(DEFAULT_TONEMAP.gamma)
  /**
   * White point from each result's own peak (`autoWhitePoint`), so the brightest recovered highlight
   * lands on white whatever the photo; moving the slider switches it off. Batches resolve it per
   * photo in the engine the same way (`autoWhitePoint` of the result's peak, `PredictionSummary.peak`).
   */
  autoWhite = $state(true)

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

  /**
   * The settings a result with this peak is shown and exported with: `settings`, with the white
   * point resolved when it is automatic.
   * @param peak The result's largest channel value; 1 (the input's white) before there is a result.
   */
  forPeak(peak: number): ToneMapSettings {
    return this.autoWhite ? { ...this.settings, whitePoint: autoWhitePoint(peak, this.exposureEv) } : this.settings
  }

  /** Takes the stored preview settings, ignoring out-of-range values from older versions. */
  async load(): Promise<void> {
    const result = await this.#api.getSettings()
    if (!result.ok) return
    const p = result.value.preview
    this.operator = TONE_OPERATORS.includes(p.operator) ? p.operator : DEFAULT_TONEMAP.operator
    this.exposureEv = clamp(p.exposureEv, TONE_LIMITS.exposureEv, DEFAULT_TONEMAP.exposureEv)
    this.whitePoint = clamp(p.whitePoint, TONE_LIMITS.whitePoint, DEFAULT_TONEMAP.whitePoint)
    this.gamma = clamp(p.gamma, TONE_LIMITS.gamma, DEFAULT_TONEMAP.gamma)
    this.autoWhite = result.value.autoWhitePoint !== false
  }

  set(patch: Partial<ToneMapSettings>): void {
    if (patch.operator !== undefined) this.operator = patch.operator
    if (patch.exposureEv !== undefined) this.exposureEv = patch.exposureEv
    if (patch.whitePoint !== undefined) {
      this.whitePoint = patch.whitePoint
      this.autoWhite = false
    }
    if (patch.gamma !== undefined) this.gamma = patch.gamma
    this.#scheduleSave()
  }

  reset(): void {
    this.set({ ...DEFAULT_TONEMAP })
    this.autoWhite = true
  }

  setAutoWhite(on: boolean): void {
    this.autoWhite = on
    this.#scheduleSave()
  }

  dispose(): void {
    clearTimeout(this.#saveTimer)
  }

  #scheduleSave(): void {
    clearTimeout(this.#saveTimer)
    this.#saveTimer = setTimeout(
      () => void this.#api.setSettings({ preview: this.settings, autoWhitePoint: this.autoWhite }),
      SAVE_DELAY_MS
    )
  }
}

function clamp(value: number, { min, max }: ToneLimit, fallback: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback
}
