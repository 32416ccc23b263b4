import type { Api, ConvertedImage, LowLightControls, OpenedImage, Unsubscribe } from '../../../src-preload/contract'
import type { Mode, Stage } from '../../../src-main/engine/types'
import { newJobId } from '../lib/job-id'
import { flipSplit } from '../lib/slider-keys'
import { actualSizeView, fitView, panBy, zoomAt, type Size, type View } from '../lib/zoom'
import type { HdrDisplay } from '../lib/hdr-display'
import { Detail } from './detail.svelte'
import type { Library } from './library.svelte'

export type ViewerPhase = 'empty' | 'opening' | 'open' | 'converting' | 'converted' | 'error'
export type ZoomMode = 'fit' | 'actual' | 'custom'

/** Each zoom step multiplies or divides the scale by this. */
const ZOOM_STEP = 1.25

/** The single-image view: the input, the model's result, the divider and the zoom. */
export class Viewer {
  path = $state<string | null>(null)
  /** Raw: megabytes of floats that must not be wrapped in proxies. */
  opened = $state.raw<OpenedImage | null>(null)
  converted = $state.raw<ConvertedImage | null>(null)
  phase = $state<ViewerPhase>('empty')
  stage = $state<Stage | null>(null)
  progress = $state(0)
  error = $state<string | null>(null)
  /** Fraction of the viewer width, from the left, that shows the input. */
  split = $state(0.5)
  markClipped = $state(false)
  /** The display's HDR capability (`detectHdrDisplay`) and whether the canvas can show it. */
  display = $state.raw<HdrDisplay>({ hdr: false, headroom: 1, reason: 'Checking the display…' })
  hdrCanvas = $state(false)
  /** The user's choice; shown only where `hdrAvailable`. */
  hdrView = $state(true)
  hdrAvailable = $derived(this.display.hdr && this.hdrCanvas)
  /** Headroom the preview draws with: 1 is the SDR rendering (also the fallback). */
  headroom = $derived(this.hdrAvailable && this.hdrView ? this.display.headroom : 1)
  zoomMode = $state<ZoomMode>('fit')
  view = $state.raw<View>({ scale: 1, offsetX: 0, offsetY: 0 })
  /** Canvas size in device pixels. */
  viewport = $state.raw<Size>({ width: 0, height: 0 })

  /** The photo's full size: the view counts in its pixels, so 100 % is one photo pixel per screen pixel. */
  imageSize: Size = $derived(
    this.opened ? { width: this.opened.width, height: this.opened.height } : { width: 0, height: 0 }
  )
  zoomPercent = $derived(Math.round(this.view.scale * 100))
  busy = $derived(this.phase === 'opening' || this.phase === 'converting')

  /** Full-resolution tiles for views at 100 % and above. */
  readonly detail: Detail
  readonly #api: Api
  readonly #library: Library
  readonly #unsubscribe: Unsubscribe
  #jobId: string | null = null
  #convertingMode: Mode | null = null

  constructor(api: Api, library: Library) {
    this.#api = api
    this.#library = library
    this.detail = new Detail(api)
    this.#unsubscribe = api.onProgress(({ jobId, event }) => {
      if (jobId !== this.#jobId) return
      this.stage = event.stage
      this.progress = event.fraction
    })
  }

  async open(path: string): Promise<void> {
    this.path = path
    this.opened = null
    this.#clearResult()
    this.error = null
    this.split = 0.5 // each photo starts with the divider in the middle
    this.phase = 'opening'
    const result = await this.#api.openImage(path)
    if (this.path !== path) return
    if (!result.ok) {
      this.phase = 'error'
      this.error = result.error.message
      this.#library.find(path)?.setStatus('failed', result.error.message)
      return
    }
    this.opened = result.value
    this.phase = 'open'
    this.#applyZoomMode()
  }

  /**
   * Runs the model on the open photo in `mode`, or, given `from` (a batch's Radiance output for it),
   * shows that result without running the model again; `lowLight` are low light's controls.
   */
  async convert(mode: Mode, from?: string, lowLight?: LowLightControls): Promise<void> {
    const path = this.path
    if (!path || !this.opened || this.busy) return
    const jobId = newJobId('convert')
    this.#jobId = jobId
    this.#convertingMode = mode
    this.phase = 'converting'
    this.stage = 'queued'
    this.progress = 0
    this.error = null
    const item = this.#library.find(path)
    item?.setStatus('converting')
    const result = await this.#api.convertImage({
      jobId,
      path,
      mode,
      ...(from ? { from } : {}),
      ...(lowLight ? { lowLight } : {})
    })
    if (this.#jobId === jobId) this.#jobId = null
    if (!result.ok) {
      const cancelled = result.error.code === 'CANCELLED'
      // A cancelled re-run (low light's controls) leaves the result that was on screen.
      const kept = this.path === path && this.converted !== null
      if (!cancelled) item?.setStatus('failed', result.error.message)
      else if (!kept) item?.setStatus('new')
      else item?.setStatus('done')
      if (this.path !== path) return
      this.phase = kept ? 'converted' : 'open'
      this.error = cancelled ? null : result.error.message
      return
    }
    item?.setStatus('done')
    if (this.path !== path) return
    this.converted = result.value
    this.phase = 'converted'
    this.stage = 'done'
    this.progress = 1
  }

  async cancel(): Promise<void> {
    if (this.#jobId) await this.#api.cancelJob(this.#jobId)
  }

  close(): void {
    this.path = null
    this.opened = null
    this.#clearResult()
    this.phase = 'empty'
    this.error = null
  }

  /**
   * Drops a result made in another mode than `mode` (and cancels a conversion running in one), so the
   * screen, the tone controls and Export always agree on one mode.
   */
  async keepOnlyMode(mode: Mode): Promise<void> {
    if (this.phase === 'converting' && this.#convertingMode !== mode) await this.cancel()
    if (this.converted && this.converted.mode !== mode) {
      this.#clearResult()
      this.phase = this.opened ? 'open' : this.phase
    }
  }

  setSplit(value: number): void {
    this.split = Math.min(1, Math.max(0, value))
  }

  flip(): void {
    this.split = flipSplit(this.split)
  }

  setViewport(size: Size): void {
    this.viewport = size
    this.#applyZoomMode()
  }

  fit(): void {
    this.zoomMode = 'fit'
    this.#applyZoomMode()
  }

  actualSize(): void {
    this.zoomMode = 'actual'
    this.#applyZoomMode()
  }

  /** Zooms by whole steps (negative zooms out) around a canvas point, the centre by default. */
  zoomSteps(steps: number, anchorX = this.viewport.width / 2, anchorY = this.viewport.height / 2): void {
    this.zoomMode = 'custom'
    this.view = zoomAt(this.view, ZOOM_STEP ** steps, anchorX, anchorY, this.imageSize, this.viewport)
  }

  pan(dx: number, dy: number): void {
    this.zoomMode = 'custom'
    this.view = panBy(this.view, dx, dy, this.imageSize, this.viewport)
  }

  dispose(): void {
    this.#unsubscribe()
  }

  #clearResult(): void {
    this.converted = null
    this.stage = null
    this.progress = 0
  }

  #applyZoomMode(): void {
    if (this.zoomMode === 'fit') this.view = fitView(this.imageSize, this.viewport)
    else if (this.zoomMode === 'actual') this.view = actualSizeView(this.imageSize, this.viewport)
    else this.view = panBy(this.view, 0, 0, this.imageSize, this.viewport)
  }
}
