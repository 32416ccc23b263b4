/**
 * Worker-thread side of the strip pool (`strip-pool.ts`): holds the jobs it is given (their big
 * arrays live in shared memory, so nothing is copied) and computes the strips it is sent, and the
 * ratio fit's channels and the peak's block bounds it is asked for.
 */
import { parentPort, type MessagePort } from 'node:worker_threads'
import { fitRatioChannel } from '../imaging/ratio-fit'
import { blockBounds } from '../imaging/ratio-peak'
import type { StripReply, StripRequest } from './strip-protocol'
import { computeStrip, type EncodedStrip, type StripJob } from './strip-work'
import { DEFAULT_TONEMAP } from '../imaging/tonemap'

const port = requirePort()

const jobs = new Map<number, StripJob>()

port.on('message', (message: StripRequest) => {
  switch (message.type) {
    case 'job':
      jobs.set(message.jobId, message.job)
      break
    case 'end':
      jobs.delete(message.jobId)
      break
    case 'strip':
      answer(message.id, () => {
        const job = jobs.get(message.jobId)
        if (!job) throw new Error(`strip worker has no job ${message.jobId}`)
        return computeStrip(job, message.y0, message.rows, message.out)
      })
      break
    case 'fit':
      answer(message.id, () => fitRatioChannel(message.inputs, message.channel))
      break
    case 'bounds':
      answer(message.id, () => void blockBounds(message.field, message.source, message.ya0, message.ya1, message.out))
      break
  }
})

function answer(id: string, work: () => EncodedStrip | void): void {
  let reply: StripReply
  try {
    reply = { type: 'done', id, encoded: work() ?? undefined }
  } catch (error) {
    reply = { type: 'failed', id, message: error instanceof Error ? error.message : String(error) }
  }
  port.postMessage(reply, reply.type === 'done' && reply.encoded ? transferable(reply.encoded) : [])
}

// Loaded and warmed up: the pool counts the engine ready once every thread has said so.
warmUp()
port.postMessage({ type: 'ready' } satisfies StripReply)

/**
 * Runs every code path once on a small synthetic strip, so the first photo's strips meet
 * optimised code instead of paying the JIT's warm-up (part of loading the engine, ~tens of ms).
 */
function warmUp(): void {
  const width = 1024
  const rows = 32
  const field = { width: 16, height: 2, coefficients: new Float32Array(6 * 32).fill(0.01), flat: new Uint8Array(32) }
  field.flat.fill(1, 0, 8)
  const source = {
    width,
    height: rows,
    bits: 8 as const,
    data: Uint8Array.from({ length: width * rows * 3 }, (_, i) => (i * 37) & 255)
  }
  // 8-bit PNG only: the 16-bit tone-map table takes ~0.1 s to build, worth it only when asked for.
  const job: StripJob = { source, field, encode: { rgbe: true, png: [{ bits: 8, tonemap: DEFAULT_TONEMAP }] } }
  for (let i = 0; i < 8; i++) computeStrip(job, 0, rows, new Float32Array(width * rows * 3))
}

/** Buffers that own their whole memory move instead of being copied; pooled slices are copied. */
function transferable(encoded: EncodedStrip): ArrayBuffer[] {
  const views = [encoded.rgbe, ...Object.values(encoded.png).map((segment) => segment?.deflated)]
  const owned = new Set<ArrayBuffer>()
  for (const view of views) {
    if (
      view &&
      view.buffer instanceof ArrayBuffer &&
      view.byteOffset === 0 &&
      view.byteLength === view.buffer.byteLength
    )
      owned.add(view.buffer)
  }
  return [...owned]
}

function requirePort(): MessagePort {
  if (!parentPort) throw new Error('strip-worker.ts must run in a worker thread')
  return parentPort
}
