import { describe, expect, it } from 'vitest'
import { untilCancelled } from './errors'

describe('untilCancelled', () => {
  it('gives the work its own result when nothing cancels it', async () => {
    expect(await untilCancelled(Promise.resolve(7), new AbortController().signal)).toBe(7)
    expect(await untilCancelled(Promise.resolve(8), undefined)).toBe(8)
  })

  it('rejects CANCELLED when the signal fires first, while the work carries on to its own end', async () => {
    const controller = new AbortController()
    let finish = (_: string): void => undefined
    const work = new Promise<string>((resolve) => (finish = resolve))
    const waiting = untilCancelled(work, controller.signal)
    controller.abort()
    await expect(waiting).rejects.toMatchObject({ code: 'CANCELLED' })
    finish('done')
    expect(await work).toBe('done')
    // A signal that has already fired cancels at once.
    await expect(untilCancelled(new Promise(() => undefined), controller.signal)).rejects.toMatchObject({
      code: 'CANCELLED'
    })
  })
})
