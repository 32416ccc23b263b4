/**
 * `node --import tsx bench/png-compare.ts [--megapixels 12] [--photos 3] [--repeats 3]`
 *
 * The PNG lever: our strip encoder (Average filter + zlib level 1 run-length, `codecs/png-strip.ts`)
 * against sharp's libspng (adaptive filters, zlib at levels 1 and 4) on the same 8-bit RGB rows,
 * size and time, on one thread and on every core (ours: the strips spread over worker threads the
 * way conversions do; sharp: libvips' own threads). Photos: camera-like JPEGs made from the shared
 * HDR scenes (`scene-photos.ts`), else the synthetic photo. Prints medians and writes
 * bench/results/png-compare.json.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Worker } from 'node:worker_threads'
import sharp from 'sharp'
import { createPngEncoder, deflatePngRows } from '../src-main/engine/codecs/png-encoder'
import { STRIP_PIXELS } from '../src-main/engine/pipeline/engine'
import { syntheticPhoto } from './photo'
import { scenePhotos } from './scene-photos'

const root = fileURLToPath(new URL('..', import.meta.url))
const { values } = parseArgs({
  options: {
    megapixels: { type: 'string', default: '12' },
    photos: { type: 'string', default: '3' },
    repeats: { type: 'string', default: '3' }
  }
})
const megapixels = Number(values.megapixels)
const repeats = Number(values.repeats)
const threads = Math.min(availableParallelism(), 4)

const scenes = await scenePhotos(megapixels, Number(values.photos))
const photos = scenes.length > 0 ? scenes : [{ name: 'synthetic', jpeg: (await syntheticPhoto(megapixels)).jpeg }]

/** Our encoder over the strips a conversion makes, all on this thread. */
async function oursOneThread(rgb: Buffer, width: number, height: number): Promise<number> {
  const encoder = createPngEncoder(width, height, 8)
  const stripRows = Math.max(1, Math.floor(STRIP_PIXELS / width))
  for (let y = 0; y < height; y += stripRows) {
    const rows = Math.min(stripRows, height - y)
    encoder.addSegment(deflatePngRows(rgb.subarray(y * width * 3, (y + rows) * width * 3), width, 8))
  }
  return (await encoder.finish()).length
}

/** Our encoder with the strips deflated on `threads` worker threads, as the strip pool does. */
async function oursThreaded(pool: Worker[], rgb: Buffer, width: number, height: number): Promise<number> {
  const shared = new Uint8Array(new SharedArrayBuffer(rgb.length))
  shared.set(rgb)
  const stripRows = Math.max(1, Math.floor(STRIP_PIXELS / width))
  const jobs: Promise<Segment>[] = []
  for (let y = 0, index = 0; y < height; y += stripRows, index++) {
    const rows = shared.subarray(y * width * 3, (y + Math.min(stripRows, height - y)) * width * 3)
    jobs.push(new Promise((resolve) => waiting.set(index, resolve)))
    pool[index % pool.length].postMessage({ rows, width, index })
  }
  const encoder = createPngEncoder(width, height, 8)
  for (const segment of await Promise.all(jobs)) encoder.addSegment(segment)
  return (await encoder.finish()).length
}

async function sharpPng(rgb: Buffer, width: number, height: number, level: number): Promise<number> {
  const png = await sharp(rgb, { raw: { width, height, channels: 3 }, limitInputPixels: false })
    .png({ compressionLevel: level, adaptiveFiltering: true })
    .toBuffer()
  return png.length
}

async function time(fn: () => Promise<number>): Promise<{ ms: number; bytes: number }> {
  const samples: number[] = []
  let bytes = 0
  for (let r = 0; r < repeats; r++) {
    const started = performance.now()
    bytes = await fn()
    samples.push(performance.now() - started)
  }
  samples.sort((a, b) => a - b)
  return { ms: Math.round(samples[Math.floor(samples.length / 2)]), bytes }
}

type Segment = ReturnType<typeof deflatePngRows>
const waiting = new Map<number, (segment: Segment) => void>()
const pool = Array.from({ length: threads }, () => {
  const worker = new Worker(new URL('./png-worker.mjs', import.meta.url))
  worker.on('message', ({ index, segment }: { index: number; segment: Segment }) => waiting.get(index)?.(segment))
  return worker
})
const rows: Record<string, unknown>[] = []
for (const photo of photos) {
  const { data: rgb, info } = await sharp(photo.jpeg).raw().toBuffer({ resolveWithObject: true })
  const { width, height } = info
  const row: Record<string, unknown> = { photo: photo.name, width, height }
  sharp.concurrency(1)
  row.oursOneThread = await time(() => oursOneThread(rgb, width, height))
  row.sharpL1OneThread = await time(() => sharpPng(rgb, width, height, 1))
  row.sharpL4OneThread = await time(() => sharpPng(rgb, width, height, 4))
  sharp.concurrency(0)
  row.oursThreaded = await time(() => oursThreaded(pool, rgb, width, height))
  row.sharpL1Threaded = await time(() => sharpPng(rgb, width, height, 1))
  row.sharpL4Threaded = await time(() => sharpPng(rgb, width, height, 4))
  rows.push(row)
  process.stdout.write(`${JSON.stringify(row)}\n`)
}
await Promise.all(pool.map((w) => w.terminate()))
const outDir = join(root, 'bench/results')
await mkdir(outDir, { recursive: true })
await writeFile(
  join(outDir, 'png-compare.json'),
  `${JSON.stringify({ date: new Date().toISOString(), megapixels, repeats, threads, rows }, null, 2)}\n`
)
