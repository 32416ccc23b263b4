/** A button on a notice. */
export interface NoticeAction {
  label: string
  run(): void | Promise<void>
}

/** One outcome shown where the eye is (over the photo, above the status bar). */
export interface Notice {
  id: number
  tone: 'done' | 'error'
  text: string
  /** A written file: the notice offers "Show in folder" for it. */
  reveal?: string
  actions: NoticeAction[]
}

/** Outcomes stay this long unless they ask for a decision (actions) or report an error. */
const DONE_MS = 8000
/** At most this many notices are on screen; older ones go first. */
const MAX_NOTICES = 3

/**
 * Outcomes of exports and batches as notices over the photo, so they are seen at any window size
 * (the side panel's own lists can be below the fold at 1280×800).
 */
export class Notices {
  items = $state<Notice[]>([])
  #next = 1
  // Timers the template never reads.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #timers = new Map<number, ReturnType<typeof setTimeout>>()

  show(notice: Omit<Notice, 'id' | 'actions'> & { actions?: NoticeAction[] }): number {
    const id = this.#next++
    const actions = notice.actions ?? []
    this.items = [...this.items, { ...notice, id, actions }].slice(-MAX_NOTICES)
    if (notice.tone === 'done' && actions.length === 0)
      this.#timers.set(
        id,
        setTimeout(() => this.dismiss(id), DONE_MS)
      )
    return id
  }

  dismiss(id: number): void {
    clearTimeout(this.#timers.get(id))
    this.#timers.delete(id)
    this.items = this.items.filter((n) => n.id !== id)
  }

  dispose(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer)
    this.#timers.clear()
  }
}
