import type { ProgressEvent } from '../types'

/**
 * A batch's progress in photo order while two photos are in flight (the next one decoded and run
 * through the model during the current one's strips): events of the photo whose turn it is pass
 * straight through; a later photo's are held, in order, until its turn. Listeners therefore still
 * see each photo's events from `queued` to its final event before the next photo's first.
 */
export class OrderedEvents {
  private turn = -1
  private readonly held = new Map<number, ProgressEvent[]>()

  constructor(private readonly listener?: (event: ProgressEvent) => void) {}

  emit(event: ProgressEvent): void {
    if (event.index === this.turn) {
      this.listener?.(event)
      return
    }
    const queue = this.held.get(event.index)
    if (queue) queue.push(event)
    else this.held.set(event.index, [event])
  }

  /** Makes `index` the photo whose events pass, after sending what it said meanwhile. */
  begin(index: number): void {
    this.turn = index
    for (const event of this.held.get(index) ?? []) this.listener?.(event)
    this.held.delete(index)
  }

  /** Drops a photo's held events (one that was cancelled: it gets no final event). */
  drop(index: number): void {
    this.held.delete(index)
  }
}
