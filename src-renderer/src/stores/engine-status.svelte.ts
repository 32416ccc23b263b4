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
  /**
   * No model the engine ships is trained for low light yet and `EngineInfo` has no field that
   * announces one, so the switch stays off instead of running the HDR model under another name.
   */
  lowLightOffered = $state(false)

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
