/**
 * Entry of the engine's utility process (`utilityProcess.fork`): runs the in-process host and
 * answers the main process over `process.parentPort`. Never imports electron.
 * argv[2] is the JSON of `EngineHostOptions`.
 */
import { toAppError } from '../ipc/app-error'
import { createInProcessEngineHost } from './in-process'
import { dispatch, type FromWorker, type ToWorker } from './protocol'
import type { EngineHostOptions } from './types'

const port = process.parentPort
const host = createInProcessEngineHost(JSON.parse(process.argv[2] ?? '{}') as EngineHostOptions)
const send = (message: FromWorker): void => port.postMessage(message)

/** How often the worker says it is alive; the host kills one silent for much longer (utility.ts). */
const HEARTBEAT_MS = 1000
setInterval(() => send({ kind: 'heartbeat' }), HEARTBEAT_MS)

port.on('message', ({ data }) => {
  const message = data as ToWorker
  if (message.kind === 'cancel') {
    host.cancel(message.jobId)
    return
  }
  const { id, method, args } = message
  dispatch(host, method, args, (jobId, event) => send({ kind: 'progress', jobId, event })).then(
    (value) => send({ kind: 'result', id, ok: true, value }),
    (error: unknown) => send({ kind: 'result', id, ok: false, error: toAppError(error) })
  )
})
