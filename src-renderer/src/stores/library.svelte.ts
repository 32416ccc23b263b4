import type { Api, FolderEntry, Mode } from '../../../src-preload/contract'

export type ItemStatus = 'new' | 'converting' | 'done' | 'failed'

/** Thumbnail long side in CSS pixels times two for high-density screens. */
const THUMBNAIL_SIDE = 320
/** Thumbnails are decoded in the main process; two at a time keeps the UI responsive there. */
const THUMBNAIL_CONCURRENCY = 2

/** One photo in the open folder or file list. */
export class LibraryItem {
  readonly path: string
  readonly name: string
  status = $state<ItemStatus>('new')
  error = $state<string | null>(null)
  thumbnailUrl = $state<string | null>(null)
  thumbnailError = $state<string | null>(null)
  /** The file the thumbnail shows: the photo, or its converted result once a batch wrote one. */
  thumbnailOf = $state<string | null>(null)
  /** Ticked for "Convert selected". */
  picked = $state(false)
  /** What a batch wrote for this photo, so reopening it shows the result (see `linearOutput`). */
  result = $state.raw<{ mode: Mode; outputs: string[] } | null>(null)

  /** The batch's Radiance file, from which the engine restores the result without converting again. */
  linearOutput = $derived(this.result?.outputs.find((output) => output.toLowerCase().endsWith('.hdr')) ?? null)

  constructor(path: string, name: string) {
    this.path = path
    this.name = name
  }

  setStatus(status: ItemStatus, error: string | null = null): void {
    this.status = status
    this.error = error
  }
}

/** The photos the user opened: a folder's images or a hand-picked list. */
export class Library {
  /** The open folder, or null for a list of files. */
  folder = $state<string | null>(null)
  items = $state<LibraryItem[]>([])
  selectedPath = $state<string | null>(null)
  error = $state<string | null>(null)

  /** A folder is listed with its sub-folders (and batched with them), as the CLI's `--recursive`. */
  recursive = $state(false)

  selected = $derived(this.items.find((item) => item.path === this.selectedPath) ?? null)
  picked = $derived(this.items.filter((item) => item.picked))
  inputs = $derived(this.folder ? [this.folder] : this.items.map((item) => item.path))

  readonly #api: Api
  /** Bumped on every open so late thumbnails of a previous folder are dropped. */
  #generation = 0

  constructor(api: Api) {
    this.#api = api
  }

  async chooseFolder(): Promise<void> {
    const result = await this.#api.openFolder()
    if (!result.ok) return this.#fail(result.error.message)
    if (result.value) await this.openFolder(result.value)
  }

  async chooseFiles(): Promise<void> {
    const result = await this.#api.openFiles()
    if (!result.ok) return this.#fail(result.error.message)
    if (result.value.length > 0) this.openFiles(result.value)
  }

  /** Opens granted paths from a drop or the OS: a single folder opens as a folder. */
  async openPaths(paths: string[]): Promise<void> {
    if (paths.length === 1) {
      const listed = await this.#api.listFolder(paths[0])
      if (listed.ok) return this.#show(paths[0], listed.value)
    }
    this.openFiles(paths)
  }

  async openFolder(folder: string): Promise<void> {
    const listed = await this.#api.listFolder(folder, { recursive: this.recursive })
    if (!listed.ok) return this.#fail(listed.error.message)
    this.#show(folder, listed.value)
  }

  openFiles(paths: string[]): void {
    this.#show(
      null,
      paths.map((path) => ({ path, name: path.split(/[\\/]/).pop() ?? path, size: 0, mtimeMs: 0 }))
    )
    if (paths.length === 1) this.selectedPath = paths[0]
  }

  /** Lists the open folder again with or without its sub-folders. */
  async setRecursive(on: boolean): Promise<void> {
    this.recursive = on
    if (this.folder) await this.openFolder(this.folder)
  }

  /** Unticks every photo ticked for "Convert selected". */
  clearPicked(): void {
    for (const item of this.items) item.picked = false
  }

  select(path: string | null): void {
    this.selectedPath = path
  }

  /**
   * Records what a batch wrote for a photo and shows its result in the thumbnail (from the first
   * display-referred output; linear files have no thumbnail).
   */
  async setResult(item: LibraryItem, mode: Mode, outputs: string[]): Promise<void> {
    item.result = { mode, outputs }
    const shown = outputs.find((output) => /\.(png|jpe?g|tiff?)$/i.test(output))
    if (!shown) return
    const generation = this.#generation
    const result = await this.#api.thumbnail(shown, THUMBNAIL_SIDE)
    if (!result.ok || generation !== this.#generation) return
    if (item.thumbnailUrl) URL.revokeObjectURL(item.thumbnailUrl)
    item.thumbnailUrl = URL.createObjectURL(new Blob([new Uint8Array(result.value.bytes)], { type: result.value.mime }))
    item.thumbnailOf = shown
  }

  find(path: string): LibraryItem | undefined {
    return this.items.find((item) => item.path === path)
  }

  /** Releases the thumbnails' object URLs. */
  dispose(): void {
    this.#generation += 1
    this.#revokeThumbnails()
  }

  #show(folder: string | null, entries: FolderEntry[]): void {
    this.dispose()
    this.error = null
    this.folder = folder
    this.selectedPath = null
    this.items = entries.map((entry) => new LibraryItem(entry.path, entry.name))
    void this.#loadThumbnails(this.#generation)
  }

  async #loadThumbnails(generation: number): Promise<void> {
    const queue = [...this.items]
    const worker = async (): Promise<void> => {
      for (let item = queue.shift(); item && generation === this.#generation; item = queue.shift()) {
        const result = await this.#api.thumbnail(item.path, THUMBNAIL_SIDE)
        if (generation !== this.#generation) return
        if (result.ok) {
          const bytes = new Uint8Array(result.value.bytes)
          item.thumbnailUrl = URL.createObjectURL(new Blob([bytes], { type: result.value.mime }))
        } else {
          item.thumbnailError = result.error.message
        }
      }
    }
    await Promise.all(Array.from({ length: THUMBNAIL_CONCURRENCY }, worker))
  }

  #revokeThumbnails(): void {
    for (const item of this.items) if (item.thumbnailUrl) URL.revokeObjectURL(item.thumbnailUrl)
  }

  #fail(message: string): void {
    this.error = message
  }
}
