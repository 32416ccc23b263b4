import { basename } from 'node:path'
import type { Page } from 'playwright-core'
import { expect } from 'vitest'

/** Drops `photo` on the window the way a file manager would, and waits for it to open. */
export async function dropPhoto(page: Page, photo: string): Promise<void> {
  const name = basename(photo)
  await page.evaluate(
    ([n, p]) => {
      ;(globalThis as unknown as { __unclipDropPaths: Record<string, string> }).__unclipDropPaths = { [n]: p }
    },
    [name, photo] as const
  )
  const dataTransfer = await page.evaluateHandle((n) => {
    const g = globalThis as unknown as {
      DataTransfer: new () => { items: { add(f: unknown): void } }
      File: new (b: string[], n: string) => unknown
    }
    const transfer = new g.DataTransfer()
    transfer.items.add(new g.File(['dropped'], n))
    return transfer
  }, name)
  await page.dispatchEvent('body', 'dragover', { dataTransfer })
  await page.dispatchEvent('body', 'drop', { dataTransfer })
  // The previous photo may still be open: wait for this one by name.
  await expect
    .poll(() => page.locator('canvas[data-view]').getAttribute('aria-label'), { timeout: 60_000 })
    .toContain(name)
  await page.locator('canvas[data-phase="open"]').waitFor({ timeout: 60_000 })
}
