import type { Page } from 'playwright-core'

/** What the walk needs from a running app, whichever shell hosts the renderer. */
export interface AppDriver {
  page: Page
  /** Queues the answer the next native dialog of that kind gives. */
  answerDialog(kind: 'openFolder' | 'chooseOutputFolder' | 'openFiles', answer: string | string[]): Promise<void>
  /** Paths passed to "show in folder", in order. */
  shownInFolder(): Promise<string[]>
  close(): Promise<void>
}
