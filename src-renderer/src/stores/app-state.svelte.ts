import type { Api, DroppedFile, MenuCommand, Unsubscribe } from '../../../src-preload/contract'
import type { Mode } from '../../../src-main/engine/types'
import { previewTone } from '../lib/preview-tone'
import { Batch } from './batch.svelte'
import { EngineStatus } from './engine-status.svelte'
import { ExportOptions } from './export-options.svelte'
import { Library } from './library.svelte'
import { RoundTrip } from './round-trip.svelte'
import { LowLightSettings } from './low-light.svelte'
import { Notices } from './notices.svelte'
import { ToneSettings } from './tone.svelte'
import { Viewer } from './viewer.svelte'

/** The window's state: owns every store and the subscriptions to the main process. */
export class AppState {
  readonly engine: EngineStatus
  readonly library: Library
  readonly tone: ToneSettings
  readonly viewer: Viewer
  readonly exportOptions: ExportOptions
  readonly batch: Batch
  readonly roundTrip: RoundTrip
  readonly lowLight = new LowLightSettings()
  /** Export and batch outcomes, shown over the photo. */
  readonly notices: Notices
  /** Low light stays off until the engine offers it; see `EngineStatus.lowLightOffered`. */
  mode = $state<Mode>('hdr')
  dragging = $state(false)

  readonly #api: Api
  readonly #unsubscribes: Unsubscribe[]
  #reprocess = false

  constructor(api: Api) {
    this.#api = api
    this.engine = new EngineStatus(api)
    this.library = new Library(api)
    this.tone = new ToneSettings(api)
    this.viewer = new Viewer(api, this.library)
    this.roundTrip = new RoundTrip(api)
    this.notices = new Notices()
    this.exportOptions = new ExportOptions(api, this.notices)
    this.batch = new Batch(api, this.library, this.notices)
    this.#unsubscribes = [
      api.onMenuCommand(({ command }) => void this.command(command)),
      api.onOpenFiles(({ paths }) => void this.openHanded(paths))
    ]
  }

  async start(): Promise<void> {
    await Promise.all([this.engine.load(), this.tone.load(), this.exportOptions.load()])
    const pending = await this.#api.pendingFiles()
    if (pending.ok && pending.value.length > 0) await this.openHanded(pending.value)
  }

  async command(command: MenuCommand): Promise<void> {
    switch (command) {
      case 'openFile':
        return this.openFiles()
      case 'openFolder':
        return this.openFolder()
      case 'export':
        return this.exportCurrent()
      case 'zoomIn':
        return this.viewer.zoomSteps(1)
      case 'zoomOut':
        return this.viewer.zoomSteps(-1)
      case 'zoomFit':
        return this.viewer.fit()
      case 'zoomActual':
        return this.viewer.actualSize()
      case 'toggleBeforeAfter':
        return this.viewer.flip()
      case 'cancel':
        return this.batch.running ? this.batch.cancel() : this.viewer.cancel()
      case 'saveAndReturn':
        return this.saveAndReturn()
    }
  }

  /**
   * Files handed to the app (launch, "Open with", a second instance): opened straight into the editor
   * with the round trip's banner. The app quits when it is over only if nothing else was open.
   */
  async openHanded(paths: string[]): Promise<void> {
    const idle = !this.viewer.path && this.library.items.length === 0
    await this.roundTrip.begin(paths, idle)
    await this.openPaths(paths)
    // Several files would show the folder view: the editor opens on the first of those just handed over.
    const first = this.roundTrip.files.find((f) => paths.includes(f.path))?.path
    if (first && this.library.selectedPath !== first) await this.openItem(first)
  }

  /** Writes the round trip's results with what the screen shows: its result's mode and the tone settings. */
  async saveAndReturn(): Promise<void> {
    if (!this.roundTrip.active) return
    const { converted } = this.viewer
    await this.roundTrip.save({
      mode: converted?.mode ?? this.mode,
      toneFor: (result) => previewTone(result, this.tone),
      converted
    })
  }

  async openFolder(): Promise<void> {
    this.viewer.close()
    await this.library.chooseFolder()
  }

  async openFiles(): Promise<void> {
    await this.library.chooseFiles()
    await this.#openSelection()
  }

  async openPaths(paths: string[]): Promise<void> {
    await this.library.openPaths(paths)
    await this.#openSelection()
  }

  async drop(files: readonly DroppedFile[]): Promise<void> {
    this.dragging = false
    const granted = await this.#api.grantDroppedFiles(files)
    if (granted.ok && granted.value.length > 0) await this.openPaths(granted.value)
  }

  async openItem(path: string): Promise<void> {
    this.library.select(path)
    await this.#open(path)
  }

  closeImage(): void {
    this.library.select(null)
    this.viewer.close()
  }

  /** Switches HDR / low light; a result of the other mode is dropped rather than shown or exported as this one. */
  async setMode(mode: Mode): Promise<void> {
    this.mode = mode
    await this.viewer.keepOnlyMode(mode)
  }

  async convertCurrent(): Promise<void> {
    await this.viewer.convert(this.mode, undefined, this.mode === 'lowlight' ? this.lowLight.controls : undefined)
  }

  /**
   * Processes a shown low-light result again with the current controls; the last result stays on
   * screen until the new one replaces it. A change during a run waits for it and then applies.
   */
  async reprocessLowLight(): Promise<void> {
    if (this.viewer.converted?.mode !== 'lowlight') return
    if (this.viewer.busy) {
      this.#reprocess = true
      return
    }
    do {
      this.#reprocess = false
      await this.viewer.convert('lowlight', undefined, this.lowLight.controls)
    } while (this.#reprocess && this.viewer.converted?.mode === 'lowlight')
  }

  async exportCurrent(): Promise<void> {
    // The result's own mode, not the switch's: Export writes what the screen shows.
    const { path, converted } = this.viewer
    if (path && converted) await this.exportOptions.exportImage(path, previewTone(converted, this.tone), converted.mode)
  }

  async startBatch(): Promise<void> {
    const o = this.exportOptions
    // Ticked photos only when there are any, otherwise everything open.
    const picked = this.library.picked.map((item) => item.path)
    await this.batch.start({
      inputs: picked.length > 0 ? picked : this.library.inputs,
      recursive: picked.length === 0 && this.library.recursive,
      formats: o.formats,
      outDir: o.outDir,
      overwrite: o.overwrite,
      mode: this.mode,
      tonemap: this.tone.settings,
      // Each photo with its own white point, as the screen and Export would show it.
      autoWhitePoint: this.tone.autoWhite,
      keepGps: o.keepGps,
      jpegQuality: o.jpegQuality
    })
  }

  dispose(): void {
    for (const unsubscribe of this.#unsubscribes) unsubscribe()
    this.viewer.dispose()
    this.batch.dispose()
    this.roundTrip.dispose()
    this.tone.dispose()
    this.exportOptions.dispose()
    this.library.dispose()
    this.notices.dispose()
  }

  async #openSelection(): Promise<void> {
    const path = this.library.selectedPath
    if (path) await this.#open(path)
  }

  /**
   * Opens a photo in the viewer; the previous photo's export outcome goes with it. A photo a batch
   * converted in the current mode opens with that result (read back, not converted again).
   */
  async #open(path: string): Promise<void> {
    if (path !== this.viewer.path) this.exportOptions.forget()
    await this.viewer.open(path)
    const item = this.library.find(path)
    const from = item?.linearOutput
    if (from && item.result?.mode === this.mode && this.viewer.path === path && this.viewer.phase === 'open')
      await this.viewer.convert(this.mode, from)
  }
}
