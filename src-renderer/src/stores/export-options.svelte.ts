import type { Api, OutputFormat, ToneMapSettings } from '../../../src-preload/contract'
import type { Mode } from '../../../src-main/engine/types'

export type PngDepth = 8 | 16

/** What to write and where; shared by single export and batch. */
export class ExportOptions {
  hdr = $state(true)
  exr = $state(false)
  /** Ultra HDR gain-map JPEG (`jpg-hdr`). */
  ultraHdr = $state(false)
  png = $state(true)
  pngDepth = $state<PngDepth>(8)
  jpg = $state(false)
  /** null: an `unclip/` folder next to each input. */
  outDir = $state<string | null>(null)
  overwrite = $state(false)

  busy = $state(false)
  error = $state<string | null>(null)
  lastOutputs = $state<string[]>([])

  formats: OutputFormat[] = $derived([
    ...(this.hdr ? (['hdr'] as const) : []),
    ...(this.exr ? (['exr'] as const) : []),
    ...(this.ultraHdr ? (['jpg-hdr'] as const) : []),
    ...(this.png ? [this.pngDepth === 16 ? ('png16' as const) : ('png' as const)] : []),
    ...(this.jpg ? (['jpg'] as const) : [])
  ])
  canExport = $derived(this.formats.length > 0 && !this.busy)

  readonly #api: Api

  constructor(api: Api) {
    this.#api = api
  }

  async load(): Promise<void> {
    const result = await this.#api.getSettings()
    if (!result.ok) return
    const { formats, outDir, overwrite } = result.value.export
    this.hdr = formats.includes('hdr')
    this.exr = formats.includes('exr')
    this.ultraHdr = formats.includes('jpg-hdr')
    this.png = formats.includes('png') || formats.includes('png16')
    this.pngDepth = formats.includes('png16') ? 16 : 8
    this.jpg = formats.includes('jpg')
    this.outDir = outDir
    this.overwrite = overwrite
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

  save(): void {
    void this.#api.setSettings({ export: { formats: this.formats, outDir: this.outDir, overwrite: this.overwrite } })
  }

  /** Writes the converted image with the preview's tone mapping. */
  async exportImage(path: string, tonemap: ToneMapSettings, mode: Mode): Promise<void> {
    if (!this.canExport) return
    this.busy = true
    this.error = null
    const result = await this.#api.exportImage({
      path,
      formats: this.formats,
      tonemap,
      mode,
      outDir: this.outDir ?? undefined,
      overwrite: this.overwrite
    })
    this.busy = false
    if (result.ok) this.lastOutputs = result.value.outputs
    else this.error = result.error.message
  }

  async showInFolder(path: string): Promise<void> {
    await this.#api.showInFolder(path)
  }
}
