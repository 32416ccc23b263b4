import { SvelteSet } from 'svelte/reactivity'
import type { Api, ConvertedImage, RoundTripFile, Unsubscribe } from '../../../src-preload/contract'
import type { Mode, ToneMapSettings } from '../../../src-main/engine/types'
import { fileName } from '../lib/file-name'
import { newJobId } from '../lib/job-id'

export type RoundTripPhase = 'off' | 'ready' | 'saving'

/** What Save and Return writes with: the screen's mode and tone settings, and which result is on it. */
export interface SaveSettings {
  mode: Mode
  /** The tone settings for one photo's result (an automatic white point follows each photo's peak). */
  toneFor(converted: ConvertedImage): ToneMapSettings
  /** The result on screen, which the engine already holds, if any. */
  converted: ConvertedImage | null
}

/**
 * A photo editor's "Edit In": the photos it handed over, what Save and Return writes for each, and
 * the save itself (each photo converted with the same settings and written back, with progress and
 * cancel). When the app was started for the round trip, finishing or cancelling it quits the app, so
 * editors that wait for the process (darktable) carry on.
 */
export class RoundTrip {
  files = $state.raw<RoundTripFile[]>([])
  phase = $state<RoundTripPhase>('off')
  /** Write 32-bit float linear light instead of the tone-mapped picture. */
  returnHdr = $state(false)
  /** The photos already written back (by path): a later Save skips them. */
  readonly saved = new SvelteSet<string>()
  /** The photo being saved (index into `files`) and its conversion's progress. */
  current = $state(0)
  progress = $state(0)
  /** The outcome of the last save, or why it stopped. */
  message = $state<string | null>(null)
  failed = $state(false)
  active = $derived(this.phase !== 'off')

  readonly #api: Api
  readonly #unsubscribe: Unsubscribe
  #quitWhenDone = false
  #stopRequested = false
  #jobId: string | null = null

  constructor(api: Api) {
    this.#api = api
    this.#unsubscribe = api.onProgress(({ jobId, event }) => {
      if (jobId === this.#jobId) this.progress = event.fraction
    })
  }

  /**
   * Starts a round trip on files handed to the app, or adds them to the one under way (a second
   * "Open with" while it runs: its files are saved with the others, and the app quits only after).
   * @param quitWhenDone The app was started for this (nothing else open): quit once it is over.
   */
  async begin(paths: string[], quitWhenDone: boolean): Promise<void> {
    const planned = await this.#api.roundTrip(paths)
    if (!planned.ok || planned.value.length === 0) return
    const added = planned.value.filter((f) => !this.files.some((known) => known.path === f.path))
    if (this.active) {
      this.files = [...this.files, ...added]
      return
    }
    this.files = added
    this.saved.clear()
    this.#quitWhenDone = quitWhenDone
    this.phase = 'ready'
    this.message = null
    this.failed = false
  }

  /**
   * Converts and writes back every photo not written yet (files handed over meanwhile included);
   * stops at the first failure, naming the photo.
   */
  async save(settings: SaveSettings): Promise<void> {
    if (this.phase !== 'ready') return
    this.phase = 'saving'
    this.#stopRequested = false
    this.message = null
    this.failed = false
    for (let next = this.#nextUnsaved(); next >= 0 && !this.#stopRequested; next = this.#nextUnsaved()) {
      const file = this.files[next]!
      this.current = next
      this.progress = 0
      const outcome = await this.#saveOne(file, settings)
      if (outcome === 'stopped') break
      if (outcome !== 'saved') {
        this.phase = 'ready'
        this.failed = true
        this.message = this.saved.size > 0 ? `${outcome} (${this.#count()} saved)` : outcome
        return
      }
      this.saved.add(file.path)
    }
    if (this.#nextUnsaved() >= 0) {
      this.phase = 'ready'
      this.message = `Stopped: ${this.#count()} saved; the others are unchanged.`
      return
    }
    this.message = `Saved ${this.files.length === 1 ? fileName(this.files[0]!.output) : `${this.files.length} photos`}.`
    await this.#end()
  }

  /** Stops a save after the photo being converted (whose conversion is cancelled). */
  async stop(): Promise<void> {
    this.#stopRequested = true
    if (this.#jobId) await this.#api.cancelJob(this.#jobId)
  }

  /** Leaves every handed file as it was. */
  async cancel(): Promise<void> {
    if (this.phase === 'saving') return this.stop()
    this.message = null
    await this.#end()
  }

  dispose(): void {
    this.#unsubscribe()
  }

  #nextUnsaved(): number {
    return this.files.findIndex((f) => !this.saved.has(f.path))
  }

  #count(): string {
    return `${this.saved.size} of ${this.files.length}`
  }

  async #end(): Promise<void> {
    this.phase = 'off'
    this.files = []
    if (this.#quitWhenDone) await this.#api.quit()
  }

  /** @returns 'saved', 'stopped', or the error to show. */
  async #saveOne(file: RoundTripFile, settings: SaveSettings): Promise<string> {
    const { mode } = settings
    let converted = settings.converted?.path === file.path ? settings.converted : null
    if (!converted) {
      const jobId = newJobId('round-trip')
      this.#jobId = jobId
      const result = await this.#api.convertImage({ jobId, path: file.path, mode })
      this.#jobId = null
      if (!result.ok) return result.error.code === 'CANCELLED' ? 'stopped' : result.error.message
      converted = result.value
    }
    if (this.#stopRequested) return 'stopped'
    const result = await this.#api.saveAndReturn({
      path: file.path,
      tonemap: settings.toneFor(converted),
      mode,
      confirmReplace: file.replaces,
      returnHdr: this.returnHdr
    })
    this.progress = 1
    return result.ok ? 'saved' : result.error.message
  }
}
