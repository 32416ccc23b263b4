/**
 * `node --import tsx bench/lowlight-chunks.ts [--megapixels 12]`
 *
 * How long each chunk of low light's processing takes on a dark, noisy photo of that size: the
 * longest chunk bounds how long a Cancel waits (it lands at the next chunk boundary), the sum is the
 * processing after the model (which used to run as one block, with the progress bar standing still).
 */
import { parseArgs } from 'node:util'
import { lowLightSteps } from '../src-main/engine/pipeline/lowlight'
import type { RgbImage } from '../src-main/engine/types'

const { values } = parseArgs({ options: { megapixels: { type: 'string', default: '12' } } })
const width = Math.round(Math.sqrt((Number(values.megapixels) * 1e6 * 3) / 2))
const height = Math.round((width * 2) / 3)
const data = new Float32Array(width * height * 3)
let seed = 12345
const noise = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.004
for (let y = 0; y < height; y++)
  for (let x = 0; x < width; x++)
    for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = Math.max(0, 0.01 + 0.02 * (x / width) + noise())
const image: RgbImage = { width, height, data }

const steps = lowLightSteps(image)
const chunks: { stage: string; ms: number }[] = []
let started = performance.now()
for (;;) {
  const next = steps.next()
  const ms = performance.now() - started
  if (next.done) {
    chunks.push({ stage: 'finish', ms })
    break
  }
  chunks.push({ stage: next.value.stage, ms })
  started = performance.now()
}
const total = chunks.reduce((sum, c) => sum + c.ms, 0)
console.log(`${width}×${height} (${((width * height) / 1e6).toFixed(1)} MP)`)
console.log(chunks.map((c) => `${c.stage} ${c.ms.toFixed(0)} ms`).join(', '))
console.log(`total ${total.toFixed(0)} ms, longest chunk ${Math.max(...chunks.map((c) => c.ms)).toFixed(0)} ms`)
