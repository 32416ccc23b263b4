import type { Api, OutputFormat, ToneMapSettings } from '../../../src-preload/contract'
import { DEFAULT_FORMATS, EXPORT_CHOICES, JPEG_QUALITY } from '../../../src-main/engine/domain/formats'
import type { Mode } from '../../../src-main/engine/types'
import type { Notices } from './notices.svelte'

/** As the tone sliders: the setting is written once the user pauses. */
const QUALITY_SAVE_DELAY_MS = 400

/** A checkbox's key: the first format it offers. */
type ChoiceKey = OutputFormat

/**
 * The panel's state for a list of formats: each checkbox ticked when it offers one of them, and
 * its depth choice on the last of its formats listed (the first when none is).
 */
function choicesFor(formats: readonly OutputFormat[]): {
  ticked: Partial<Record<ChoiceKey, boolean>>
  chosen: Partial<Record<ChoiceKey, OutputFormat>>
} {
  const ticked: Partial<Record<ChoiceKey, boolean>> = {}
  const chosen: Partial<Record<ChoiceKey, OutputFormat>> = {}
  for (const choice of EXPORT_CHOICES) {
    const offered = choice.formats.filter((f) => formats.includes(f))
    ticked[choice.formats[0]] = offered.length > 0
    chosen[choice.formats[0]] = offered.at(-1) ?? choice.formats[0]
  }
  return { ticked, chosen }
}

/** What to write and where; shared by single export and batch. */
export class ExportOptions {
  /** Per checkbox of `EXPORT_CHOICES` (keyed by its first format): ticked or not. */
  ticked = $state(choicesFor(DEFAULT_FORMATS).ticked)
  /** Per checkbox: the format of its chosen bit depth. */
  chosen = $state(choicesFor(DEFAULT_FORMATS).chosen)
  /** null: an `unclip/` folder next to each input. */
  outDir = $state<string | null>(null)
  overwrite = $state(false)
  /** Copy the photo's GPS location into the files (the CLI's --keep-gps); off: location is private. */
  keepGps = $state(false)
  /** Quality of a plain JPEG output. */
  jpegQuality = $state<number>(JPEG_QUALITY.default)

  busy = $state(false)
  error = $state<string | null>(null)
  lastOutputs = $state<string[]>([])

  formats: OutputFormat[] = $derived(
    EXPORT_CHOICES.filter((c) => this.ticked[c.formats[0]]).map((c) => this.chosen[c.formats[0]] ?? c.formats[0])
  )
  canExport = $derived(this.formats.length > 0 && !this.busy)

  readonly #api: Api
  readonly #notices: Notices
  #qualityTimer: ReturnType<typeof setTimeout> | undefined

  constructor(api: Api, notices: Notices) {
    this.#api = api
    this.#notices = notices
  }

  async load(): Promise<void> {
    const result = await this.#api.getSettings()
    if (!result.ok) return
    const { formats, outDir, overwrite, keepGps, jpegQuality } = result.value.export
    const state = choicesFor(formats)
    this.ticked = state.ticked
    this.chosen = state.chosen
    this.outDir = outDir
    this.overwrite = overwrite
    this.keepGps = keepGps
    this.jpegQuality = jpegQuality
  }

  async chooseFolder(): Promise<void> {
    const result = await this.#api.chooseOutputFolder()
    if (!result.ok) {
      this.error = result.error.message
      return
    }
    if (result.value) {
      this.outDir = result.value
      this.save()
    }
  }

  useDefaultFolder(): void {
    this.outDir = null
    this.save()
  }

  /** Sets the JPEG quality and saves it once the slider rests, not at every step of a drag. */
  setJpegQuality(quality: number): void {
    this.jpegQuality = quality
    clearTimeout(this.#qualityTimer)
    this.#qualityTimer = setTimeout(() => this.save(), QUALITY_SAVE_DELAY_MS)
  }

  save(): void {
    void this.#api.setSettings({
      export: {
        formats: this.formats,
        outDir: this.outDir,
        overwrite: this.overwrite,
        keepGps: this.keepGps,
        jpegQuality: this.jpegQuality
      }
    })
  }

  /**
   * Writes the converted image with the preview's tone mapping and reports the outcome as a notice;
   * when files exist, the notice offers to replace them or keep both (`<name>-2`).
   * @param existing What to do with existing files this time; the checkbox's choice when omitted.
   */
  async exportImage(
    path: string,
    tonemap: ToneMapSettings,
    mode: Mode,
    existing?: 'replace' | 'keepBoth'
  ): Promise<void> {
    if (!this.canExport) return
    this.busy = true
    this.error = null
    const result = await this.#api.exportImage({
      path,
      formats: this.formats,
      tonemap,
      mode,
      outDir: this.outDir ?? undefined,
      overwrite: existing === 'replace' || this.overwrite,
      keepBoth: existing === 'keepBoth',
      keepGps: this.keepGps,
      jpegQuality: this.jpegQuality
    })
    this.busy = false
    if (result.ok) {
      this.lastOutputs = result.value.outputs
      const names = result.value.outputs.map((output) => output.split(/[\\/]/).pop()).join(', ')
      this.#notices.show({ tone: 'done', text: `Exported ${names}`, reveal: result.value.outputs[0] })
      return
    }
    this.error = result.error.message
    const again = (how: 'replace' | 'keepBoth') => () => this.exportImage(path, tonemap, mode, how)
    this.#notices.show({
      tone: 'error',
      text: result.error.message,
      actions:
        result.error.code === 'OUTPUT_EXISTS'
          ? [
              { label: 'Replace', run: again('replace') },
              { label: 'Keep both', run: again('keepBoth') }
            ]
          : []
    })
  }

  dispose(): void {
    clearTimeout(this.#qualityTimer)
  }

  /** Forgets the last export's outcome, so another photo does not show it as its own. */
  forget(): void {
    this.lastOutputs = []
    this.error = null
  }

  async showInFolder(path: string): Promise<void> {
    await this.#api.showInFolder(path)
  }
}
