/**
 * Child-process entry for test/shell/engine-host-worker.test.ts: gives the real engine worker
 * (src-main/engine-host/worker.ts) the `process.parentPort` an Electron utility process has, backed
 * by Node's IPC channel, then starts it. Forked with `serialization: 'advanced'` so typed arrays
 * cross as they do over a utility process's structured clone.
 */
import type { ParentPort } from 'electron'

if (!process.send)
  throw new Error('parent-port-shim must be started with child_process.fork (it needs an IPC channel).')
const send = process.send.bind(process)

const port = {
  postMessage: (message: unknown) => void send(message),
  on(event: string, listener: (message: { data: unknown; ports: [] }) => void) {
    if (event === 'message') process.on('message', (data) => listener({ data, ports: [] }))
    return port
  }
}
process.parentPort = port as unknown as ParentPort
// A utility process dies with its parent; without this a crashed test run would leave workers behind.
process.on('disconnect', () => process.exit(0))

// Imported only now: the worker reads `process.parentPort` as it loads.
await import('../../../src-main/engine-host/worker')
