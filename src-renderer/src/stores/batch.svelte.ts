import type {
  Api,
  BatchResult,
  OutputFormat,
  ProgressEvent,
  ToneMapSettings,
  Unsubscribe
} from '../../../src-preload/contract'
import type { BatchFailure, Mode, Stage } from '../../../src-main/engine/types'
import { newJobId } from '../lib/job-id'
import { completedUnits, estimateRemainingMs } from '../lib/time-estimate'
import type { Library } from './library.svelte'
import type { Notices } from './notices.svelte'

/** Elapsed and remaining time refresh this often while a batch runs. */
const TICK_MS = 500

export interface BatchFileProgress {
  file: string
  stage: Stage
  fraction: number
}

export interface BatchRun {
  inputs: string[]
  /** Folders among `inputs` are walked into their sub-folders. */
  recursive: boolean
  formats: OutputFormat[]
  outDir: string | null
  overwrite: boolean
  mode: Mode
  tonemap: ToneMapSettings
  autoWhitePoint?: boolean
  keepGps?: boolean
  jpegQuality?: number
}

/** A folder conversion: progress per file, time estimates, cancel and the failures. */
export class Batch {
  running = $state(false)
  cancelling = $state(false)
  files = $state<BatchFileProgress[]>([])
  total = $state(0)
  done = $state(0)
  startedAt = $state(0)
  now = $state(0)
  result = $state.raw<BatchResult | null>(null)
  error = $state<string | null>(null)

  elapsedMs = $derived(this.startedAt ? this.now - this.startedAt : 0)
  remainingMs = $derived(this.running ? estimateRemainingMs(this.elapsedMs, this.done, this.total) : null)
  percent = $derived(this.total > 0 ? Math.round((100 * this.done) / this.total) : 0)
  failures: BatchFailure[] = $derived(this.result?.failed ?? [])

  readonly #api: Api
  readonly #library: Library
  readonly #notices: Notices
  readonly #unsubscribe: Unsubscribe
  #jobId: string | null = null
  #timer: ReturnType<typeof setInterval> | undefined

  /** The file being converted now, for the status bar. */
  current = $derived(this.files.findLast((f) => f.stage !== 'done' && f.stage !== 'failed' && f.stage !== 'skipped'))

  constructor(api: Api, library: Library, notices: Notices) {
    this.#api = api
    this.#library = library
    this.#notices = notices
    this.#unsubscribe = api.onProgress(({ jobId, event }) => {
      if (jobId === this.#jobId) this.#onProgress(event)
    })
  }

  async start(run: BatchRun): Promise<void> {
    if (this.running || run.inputs.length === 0) return
    const jobId = newJobId('batch')
    this.#jobId = jobId
    this.running = true
    this.cancelling = false
    this.files = []
    this.total = 0
    this.done = 0
    this.result = null
    this.error = null
    this.startedAt = this.now = Date.now()
    this.#timer = setInterval(() => (this.now = Date.now()), TICK_MS)
    const result = await this.#api.startBatch({
      jobId,
      inputs: run.inputs,
      formats: run.formats,
      outDir: run.outDir ?? undefined,
      recursive: run.recursive,
      overwrite: run.overwrite,
      mode: run.mode,
      tonemap: run.tonemap,
      autoWhitePoint: run.autoWhitePoint,
      keepGps: run.keepGps,
      jpegQuality: run.jpegQuality
    })
    clearInterval(this.#timer)
    this.now = Date.now()
    this.running = false
    this.cancelling = false
    this.#jobId = null
    if (!result.ok) {
      this.error = result.error.message
      this.#notices.show({ tone: 'error', text: `Batch stopped: ${result.error.message}` })
      return
    }
    this.result = result.value
    this.#notify(result.value)
    for (const converted of result.value.converted) {
      const item = this.#library.find(converted.input)
      if (item) void this.#library.setResult(item, run.mode, converted.outputs)
    }
    for (const failure of result.value.failed)
      this.#library.find(failure.input)?.setStatus('failed', failure.error.message)
    // Files that were mid-conversion when cancelled have no outputs: show them as not converted.
    for (const item of this.#library.items) if (item.status === 'converting') item.setStatus('new')
  }

  async cancel(): Promise<void> {
    if (!this.#jobId || this.cancelling) return
    this.cancelling = true
    const result = await this.#api.cancelJob(this.#jobId)
    if (!result.ok && result.error.code !== 'JOB_NOT_FOUND') this.error = result.error.message
  }

  async showInFolder(path: string): Promise<void> {
    await this.#api.showInFolder(path)
  }

  dispose(): void {
    clearInterval(this.#timer)
    this.#unsubscribe()
  }

  #notify(result: BatchResult): void {
    const { converted, failed, skipped, cancelled } = result
    const parts = [`${converted.length} converted`, `${failed.length} failed`]
    if (skipped.length) parts.push(`${skipped.length} skipped`)
    this.#notices.show({
      tone: failed.length ? 'error' : 'done',
      text: `Batch ${cancelled ? 'cancelled' : 'finished'}: ${parts.join(', ')}`,
      reveal: converted[0]?.outputs[0]
    })
  }

  #onProgress(event: ProgressEvent): void {
    this.total = event.total
    this.done = Math.max(this.done, completedUnits(event))
    const entry = { file: event.file, stage: event.stage, fraction: event.fraction }
    const at = this.files.findIndex((f) => f.file === event.file)
    if (at >= 0) this.files[at] = entry
    else this.files.push(entry)
    const item = this.#library.find(event.file)
    if (!item) return
    if (event.stage === 'done') item.setStatus('done')
    else if (event.stage === 'failed') item.setStatus('failed', item.error)
    else if (event.stage !== 'queued' && event.stage !== 'skipped') item.setStatus('converting')
  }
}
