// A bench worker deflating PNG strips (`png-compare.ts`): registers tsx first, as threads do not inherit it.
import { parentPort } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register({ tsconfig: false })
const { deflatePngRows } = await import('../src-main/engine/codecs/png-strip.ts')
parentPort.on('message', ({ rows, width, index }) =>
  parentPort.postMessage({ index, segment: deflatePngRows(rows, width, 8) })
)
