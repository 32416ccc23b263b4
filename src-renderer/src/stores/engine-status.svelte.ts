import type { Api, EngineInfo } from '../../../src-preload/contract'

/** Model and execution provider for the status bar, and which modes the engine offers. */
export class EngineStatus {
  info = $state<EngineInfo | null>(null)
  error = $state<string | null>(null)

  modelName = $derived(this.info ? `${this.info.model.name} ${this.info.model.version}` : '')
  isFixture = $derived(this.info?.model.fixture ?? false)
  /** CPU unless onnxruntime actually runs on an accelerator. */
  providerLabel = $derived(
    this.info ? (this.info.provider.chosen === 'cpu' ? 'CPU' : `GPU (${this.info.provider.chosen.toUpperCase()})`) : ''
  )
  fallbacks = $derived(this.info?.provider.fallbacks ?? [])
  /** The engine announces low-light mode in `info.modes`; the switch stays off until it does. */
  lowLightOffered = $derived(this.info?.modes.includes('lowlight') ?? false)
  /** What the low-light switch says; "not offered" only once the engine has answered, not while it starts. */
  lowLightNote = $derived(
    this.lowLightOffered
      ? 'Brightens and denoises dark photos; exposure and tone curve are automatic'
      : this.info === null && this.error === null
        ? 'Available once the engine has started…'
        : 'Not offered by this engine'
  )

  readonly #api: Api

  constructor(api: Api) {
    this.#api = api
  }

  async load(): Promise<void> {
    const result = await this.#api.engineInfo()
    if (result.ok) {
      this.info = result.value
      this.error = null
    } else {
      this.error = result.error.message
    }
  }
}
