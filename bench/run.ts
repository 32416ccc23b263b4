/**
 * `npm run bench [-- --sizes 1,12,24,100] [--repeats 3] [--model NAME] [--models-dir DIR]`
 *
 * For each size: generates a photo-like JPEG (q90), converts it to .hdr + PNG in a fresh child process
 * and reports ms per stage (from ConvertResult.timings), end-to-end ms, peak RSS, and sharp's plain
 * 8-bit decode of the same JPEG as a yardstick. Writes bench/results/bench-<timestamp>.json and
 * bench/results/latest.json. It also measures how fast Ctrl+C lands: the compiled CLI (`bin/unclip.js`)
 * converting the largest size gets SIGINT as its strips start, and `cancel` reports the ms until
 * its summary and until it exits (tests assert the cancel, never its speed). Without a product model in models/, it benchmarks the fixture model
 * and says so: its inference cost is not the product's.
 */
import { execFile, spawn } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { cpus, platform, release, tmpdir, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs, promisify } from 'node:util'
import { isUnclipError } from '../src-main/engine/errors'
import { defaultModelsDir, selectModel } from '../src-main/engine/model/model-registry'
import type { Measurement } from './measure'
import { syntheticPhoto } from './photo'
import { scenePhotos } from './scene-photos'
import { formatTable, type SizeResult } from './table'
import { formatWholeProcess, measureWholeProcess, type WholeProcessTiming } from './whole-process'

const run = promisify(execFile)
const root = fileURLToPath(new URL('..', import.meta.url))
const FIXTURE_DIR = join(root, 'test/fixtures/models')

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1,12,24' },
    repeats: { type: 'string', default: '3' },
    model: { type: 'string' },
    'models-dir': { type: 'string' }
  }
})
const sizes = values.sizes.split(',').map(Number)
if (sizes.some((mp) => !(mp > 0)))
  throw new Error(`Expected positive megapixel sizes for --sizes but received ${values.sizes}`)

const { modelsDir, model } = await chooseModel(values['models-dir'], values.model)
const work = await mkdtemp(join(tmpdir(), 'unclip-bench-'))
const results: SizeResult[] = []
let cancel: CancelTiming | undefined
let wholeProcess: WholeProcessTiming | undefined
try {
  for (const megapixels of sizes) {
    const { jpeg, width, height } = await syntheticPhoto(megapixels)
    const photo = join(work, `photo-${megapixels}mp.jpg`)
    await writeFile(photo, jpeg)
    process.stderr.write(`bench: ${megapixels} MP (${width}x${height}, ${(jpeg.length / 1e6).toFixed(1)} MB JPEG)...\n`)
    results.push({
      megapixels,
      width,
      height,
      jpegBytes: jpeg.length,
      ...(await measureInChild(photo, work, modelsDir, model))
    })
    if (megapixels === Math.max(...sizes)) cancel = await measureCancel(photo, work, modelsDir, model, megapixels)
    // A user's timing of a typical camera photo: the size nearest 12 MP.
    if (megapixels === sizes.reduce((a, b) => (Math.abs(b - 12) < Math.abs(a - 12) ? b : a)))
      wholeProcess = await measureWholeProcess(
        await wholeProcessPhotos(photo, megapixels, join(work, 'photos')),
        megapixels,
        join(work, 'whole'),
        root,
        { modelsDir, model },
        Number(values.repeats)
      )
    await rm(photo)
  }
} finally {
  await rm(work, { recursive: true, force: true })
}

const report = {
  date: new Date().toISOString(),
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: totalmem() / 2 ** 30,
    platform: `${platform()} ${release()}`,
    node: process.version
  },
  model: results.find((r) => r.info)?.info?.model,
  provider: results.find((r) => r.info)?.info?.provider,
  formats: ['hdr', 'png'],
  results: results.map(({ info: _info, ...rest }) => rest),
  cancel,
  wholeProcess
}
const outDir = join(root, 'bench/results')
await mkdir(outDir, { recursive: true })
const json = `${JSON.stringify(report, null, 2)}\n`
await writeFile(join(outDir, `bench-${report.date.replace(/[:.]/g, '-')}.json`), json)
await writeFile(join(outDir, 'latest.json'), json)
process.stdout.write(`${formatTable(report.model, report.provider?.chosen, results)}\n`)
if (cancel)
  process.stdout.write(
    `Cancel (SIGINT at the first strip, ${cancel.megapixels} MP): summary after ${cancel.summaryMs} ms, exit after ${cancel.exitMs} ms\n`
  )
if (wholeProcess) process.stdout.write(`${formatWholeProcess(wholeProcess)}\n`)
process.stdout.write(`Written to ${join(outDir, 'latest.json')}\n`)

/**
 * Three photos for the whole-process runs: camera-like JPEGs made from the shared real HDR scenes
 * when `../shared` is there, else three copies of the synthetic photo.
 */
async function wholeProcessPhotos(synthetic: string, megapixels: number, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true })
  const scenes = await scenePhotos(megapixels, 3)
  const paths = [0, 1, 2].map((i) => join(dir, `${i + 1}-${scenes[i]?.name ?? 'synthetic'}.jpg`))
  for (const [i, path] of paths.entries()) {
    if (scenes[i]) await writeFile(path, scenes[i].jpeg)
    else await copyFile(synthetic, path)
  }
  return paths
}

/** Uses the product model when there is one; otherwise the fixture, loudly. */
async function chooseModel(
  dir: string | undefined,
  name: string | undefined
): Promise<{ modelsDir: string; model: string }> {
  if (dir !== undefined || name !== undefined) return { modelsDir: dir ? resolve(dir) : '', model: name ?? '' }
  try {
    await selectModel(defaultModelsDir())
    return { modelsDir: '', model: '' }
  } catch (error) {
    if (!isUnclipError(error, 'MODEL_MISSING')) throw error
    process.stderr.write(
      `bench: ${error.message}; benchmarking the test fixture model instead (its inference cost is not the product's).\n`
    )
    return { modelsDir: FIXTURE_DIR, model: 'unclip-fixture' }
  }
}

async function measureInChild(photo: string, outDir: string, modelsDir: string, model: string): Promise<Measurement> {
  const tsx = import.meta.resolve('tsx')
  try {
    const { stdout } = await run(
      process.execPath,
      ['--import', tsx, join(root, 'bench/measure.ts'), photo, outDir, modelsDir, model],
      {
        maxBuffer: 16 * 1024 * 1024
      }
    )
    return JSON.parse(stdout.trim().split('\n').pop() ?? '') as Measurement
  } catch (error) {
    // A crash (e.g. killed for memory at 100 MP) is a result too; report it instead of aborting the run.
    const message = (error as { stderr?: string }).stderr?.trim().split('\n').pop() ?? String(error)
    return { engineLoadMs: 0, sharpDecodeMs: 0, peakRssMb: 0, error: { code: 'CRASHED', message } }
  }
}

interface CancelTiming {
  megapixels: number
  /** SIGINT to the summary line: the cancel itself (current strip finished, temp files removed). */
  summaryMs: number
  /** SIGINT to process exit: adds onnxruntime's and libvips' thread-pool teardown. */
  exitMs: number
}

/** Runs the compiled CLI on `photo`, sends SIGINT as the strips start, and times the way out. */
async function measureCancel(
  photo: string,
  work: string,
  modelsDir: string,
  model: string,
  megapixels: number
): Promise<CancelTiming | undefined> {
  const flags = [...(modelsDir ? ['--models-dir', modelsDir] : []), ...(model ? ['--model', model] : [])]
  const child = spawn(
    process.execPath,
    [join(root, 'bin/unclip.js'), 'convert', photo, '-o', join(work, 'cancel'), '--json', ...flags],
    { stdio: ['ignore', 'pipe', 'ignore'] }
  )
  let signalledAt = 0
  let summaryAt = 0
  let seen = ''
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    seen += chunk
    if (signalledAt === 0 && seen.includes('"stage":"upsample"')) {
      signalledAt = performance.now()
      child.kill('SIGINT')
    }
    if (signalledAt > 0 && summaryAt === 0 && seen.includes('"type":"summary"')) summaryAt = performance.now()
  })
  await new Promise((resolve) => child.on('close', resolve))
  const exitedAt = performance.now()
  if (signalledAt === 0 || summaryAt === 0) return undefined
  return {
    megapixels,
    summaryMs: Math.round(summaryAt - signalledAt),
    exitMs: Math.round(exitedAt - signalledAt)
  }
}
