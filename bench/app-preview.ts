/**
 * The app's open-to-preview path in plain Node, as its engine process runs it (Electron cannot run
 * here): an in-process engine host, loaded the way the app loads it at start (`engineInfo`), then a
 * photo opened (`openImage`: decoded, its preview copy made) and converted (`convertImage`: the HDR
 * prediction and the preview the app shows). IPC copies are left out (the previews are a few MB).
 * Prints one JSON line. Usage:
 * `node --import tsx bench/app-preview.ts <photo.jpg> <next.jpg> [modelsDir] [model]` (empty string = default).
 */
import { createInProcessEngineHost } from '../src-main/engine-host/in-process'
import { defaultModelsDir } from '../src-main/engine/model/model-registry'

/** Milliseconds, as the app's user sees them. */
export interface AppPreviewTiming {
  /** Process start (as `performance.now()` counts it) to the engine loaded: the app's start-up share. */
  engineLoadMs: number
  /** The photo opened: decoded and its preview shown. */
  openMs: number
  /** Opened to the first HDR result on screen. */
  convertMs: number
  /** `openMs + convertMs`: what the goal counts. */
  openToResultMs: number
  /** The next photo opened in the same session, opened to its result. */
  nextOpenToResultMs: number
}

const [photo, next, modelsDir = '', model = ''] = process.argv.slice(2)
const host = createInProcessEngineHost({
  modelsDir: modelsDir || defaultModelsDir(),
  ...(model ? { model } : {})
})
await host.info()
const engineLoadMs = performance.now()
const openToResult = async (path: string, jobId: string): Promise<{ open: number; convert: number }> => {
  const started = performance.now()
  await host.openImage(path)
  const opened = performance.now()
  await host.convertImage(jobId, { path, mode: 'hdr' }, () => undefined)
  return { open: opened - started, convert: performance.now() - opened }
}
const first = await openToResult(photo, 'first')
const second = await openToResult(next, 'next')
await host.dispose()
const timing: AppPreviewTiming = {
  engineLoadMs: Math.round(engineLoadMs),
  openMs: Math.round(first.open),
  convertMs: Math.round(first.convert),
  openToResultMs: Math.round(first.open + first.convert),
  nextOpenToResultMs: Math.round(second.open + second.convert)
}
process.stdout.write(`${JSON.stringify(timing)}\n`)
