/**
 * Speed as a user times it: whole processes, started and waited for, beside the floor any converter
 * pays (sharp decoding the same JPEGs and writing 8-bit PNGs at zlib level 4, in a fresh process too).
 * `unclip info` is start-up alone; one photo is `unclip convert photo.jpg` (`.hdr` + PNG) from start to
 * exit, and start to its first decode; a folder is the same over the photos, per photo, and the next
 * photo is what each photo after the first adds to a run; the app is `app-preview.ts` (opened to the
 * first HDR result on screen, the engine loaded as at the app's start).
 */
import { execFile, spawn } from 'node:child_process'
import { copyFile, mkdir, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { promisify } from 'node:util'
import type { AppPreviewTiming } from './app-preview'

const run = promisify(execFile)

export interface WholeProcessTiming {
  megapixels: number
  /** The photos' names: the first is the one-photo run's; all of them are the folder. */
  photos: string[]
  /** Medians over `repeats` runs, milliseconds. */
  infoMs: number
  /** Process start to the first photo's decode starting (`--json` progress). */
  startToDecodeMs: number
  onePhotoMs: number
  sharpOnePhotoMs: number
  folderPerPhotoMs: number
  sharpFolderPerPhotoMs: number
  /** (folder − one photo) / (photos − 1): what each further photo of a batch adds. */
  nextPhotoMs: number
  sharpNextPhotoMs: number
  app: AppPreviewTiming
  /**
   * Each ratio to sharp taken within one repeat (runs seconds apart), then the median: steadier than a
   * ratio of medians when the machine's load drifts between repeats.
   */
  pairedRatios: { onePhoto: number; folderPerPhoto: number; nextPhoto: number; appOpenToResult: number }
  /** Every run's milliseconds, in repeat order. */
  samples: Record<string, number[]>
  repeats: number
}

async function timed(command: string, args: string[], cwd: string): Promise<number> {
  const started = performance.now()
  await run(command, args, { cwd, maxBuffer: 16 * 1024 * 1024 })
  return performance.now() - started
}

/** Runs the CLI with `--json` and times its exit and its first decode event. */
function timedConvert(args: string[], cwd: string): Promise<{ total: number; toDecode: number }> {
  const started = performance.now()
  const child = spawn(process.execPath, [...args, '--json'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] })
  let toDecode = 0
  let seen = ''
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    seen += chunk
    if (toDecode === 0 && seen.includes('"stage":"decode"')) toDecode = performance.now() - started
  })
  return new Promise((resolve, reject) =>
    child.on('close', (code) =>
      code === 0
        ? resolve({ total: performance.now() - started, toDecode })
        : reject(new Error(`unclip ${args.join(' ')} exited with ${code}`))
    )
  )
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return Math.round(sorted[Math.floor(sorted.length / 2)])
}

/** A fresh Node process converting every JPEG in `folder` to PNG with sharp, as a plain converter would. */
const SHARP_SCRIPT = `
const sharp = require('sharp'); const fs = require('fs'); const path = require('path');
const [dir, out] = process.argv.slice(1);
(async () => { for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.jpg')))
  await sharp(path.join(dir, f)).png({ compressionLevel: 4 }).toFile(path.join(out, f + '.png')) })()`

/**
 * @param photos JPEGs of `megapixels`, at least two (the first is the one-photo run's).
 * @param root The repository (`bin/unclip.js`, `bench/app-preview.ts`); `flags` select the model.
 */
export async function measureWholeProcess(
  photos: string[],
  megapixels: number,
  work: string,
  root: string,
  flags: { modelsDir: string; model: string },
  repeats = 3
): Promise<WholeProcessTiming> {
  const bin = join(root, 'bin/unclip.js')
  const cliFlags = [
    ...(flags.modelsDir ? ['--models-dir', flags.modelsDir] : []),
    ...(flags.model ? ['--model', flags.model] : [])
  ]
  const one = join(work, 'one')
  const folder = join(work, 'folder')
  await mkdir(one, { recursive: true })
  await mkdir(folder, { recursive: true })
  await copyFile(photos[0], join(one, basename(photos[0])))
  for (const photo of photos) await copyFile(photo, join(folder, basename(photo)))
  const samples = {
    info: [] as number[],
    toDecode: [] as number[],
    one: [] as number[],
    sharpOne: [] as number[],
    folder: [] as number[],
    sharpFolder: [] as number[],
    app: [] as AppPreviewTiming[]
  }
  for (let r = 0; r < repeats; r++) {
    const out = join(work, `out-${r}`)
    await mkdir(join(out, 'sharp-one'), { recursive: true })
    await mkdir(join(out, 'sharp-folder'), { recursive: true })
    samples.info.push(await timed(process.execPath, [bin, 'info', ...cliFlags], work))
    const first = await timedConvert(
      [bin, 'convert', join(one, basename(photos[0])), '-o', join(out, 'one'), ...cliFlags],
      work
    )
    samples.one.push(first.total)
    samples.toDecode.push(first.toDecode)
    samples.sharpOne.push(await timed(process.execPath, ['-e', SHARP_SCRIPT, one, join(out, 'sharp-one')], root))
    samples.folder.push(
      await timed(process.execPath, [bin, 'convert', folder, '-o', join(out, 'folder'), ...cliFlags], work)
    )
    samples.sharpFolder.push(
      await timed(process.execPath, ['-e', SHARP_SCRIPT, folder, join(out, 'sharp-folder')], root)
    )
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', join(root, 'bench/app-preview.ts'), photos[0], photos[1], flags.modelsDir, flags.model],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 }
    )
    samples.app.push(JSON.parse(stdout.trim().split('\n').pop() ?? '') as AppPreviewTiming)
    await rm(out, { recursive: true, force: true })
  }
  const n = photos.length
  const paired = (ours: (r: number) => number, theirs: (r: number) => number): number =>
    Number((median(samples.one.map((_, r) => (1000 * ours(r)) / theirs(r))) / 1000).toFixed(2))
  const appMedian = (key: keyof AppPreviewTiming): number => median(samples.app.map((a) => a[key]))
  return {
    megapixels,
    photos: photos.map((p) => basename(p)),
    infoMs: median(samples.info),
    startToDecodeMs: median(samples.toDecode),
    onePhotoMs: median(samples.one),
    sharpOnePhotoMs: median(samples.sharpOne),
    folderPerPhotoMs: Math.round(median(samples.folder) / n),
    sharpFolderPerPhotoMs: Math.round(median(samples.sharpFolder) / n),
    nextPhotoMs: Math.round((median(samples.folder) - median(samples.one)) / (n - 1)),
    sharpNextPhotoMs: Math.round((median(samples.sharpFolder) - median(samples.sharpOne)) / (n - 1)),
    app: {
      engineLoadMs: appMedian('engineLoadMs'),
      openMs: appMedian('openMs'),
      convertMs: appMedian('convertMs'),
      openToResultMs: appMedian('openToResultMs'),
      nextOpenToResultMs: appMedian('nextOpenToResultMs')
    },
    pairedRatios: {
      onePhoto: paired(
        (r) => samples.one[r],
        (r) => samples.sharpOne[r]
      ),
      folderPerPhoto: paired(
        (r) => samples.folder[r],
        (r) => samples.sharpFolder[r]
      ),
      nextPhoto: paired(
        (r) => samples.folder[r] - samples.one[r],
        (r) => samples.sharpFolder[r] - samples.sharpOne[r]
      ),
      appOpenToResult: paired(
        (r) => samples.app[r].openToResultMs,
        (r) => samples.sharpOne[r]
      )
    },
    samples: {
      ...Object.fromEntries(
        Object.entries(samples)
          .filter(([key]) => key !== 'app')
          .map(([key, values]) => [key, (values as number[]).map(Math.round)])
      ),
      appOpenToResult: samples.app.map((a) => a.openToResultMs)
    },
    repeats
  }
}

/** Lines a user can read: the CLI's and the app's whole-process times beside sharp's, with the ratios. */
export function formatWholeProcess(t: WholeProcessTiming): string {
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`
  return [
    `Whole processes, ${t.megapixels} MP (${t.photos.join(', ')}), medians of ${t.repeats}, sharp = JPEG→PNG of the same files:`,
    `  unclip info ${t.infoMs} ms; start to the first decode ${t.startToDecodeMs} ms`,
    `  one photo ${t.onePhotoMs} ms vs sharp ${t.sharpOnePhotoMs} ms (${ratio(t.onePhotoMs, t.sharpOnePhotoMs)})`,
    `  a folder of ${t.photos.length}: ${t.folderPerPhotoMs} ms per photo vs ${t.sharpFolderPerPhotoMs} ms (${ratio(t.folderPerPhotoMs, t.sharpFolderPerPhotoMs)});` +
      ` next photo ${t.nextPhotoMs} ms vs ${t.sharpNextPhotoMs} ms (${ratio(t.nextPhotoMs, t.sharpNextPhotoMs)})`,
    `  app: opened to the first HDR result ${t.app.openToResultMs} ms (open ${t.app.openMs} + convert ${t.app.convertMs}) vs sharp ${t.sharpOnePhotoMs} ms (${ratio(t.app.openToResultMs, t.sharpOnePhotoMs)});` +
      ` next photo ${t.app.nextOpenToResultMs} ms; engine loaded ${t.app.engineLoadMs} ms after start`,
    `  ratios paired within each repeat (medians): one photo ${t.pairedRatios.onePhoto}×, folder ${t.pairedRatios.folderPerPhoto}×,` +
      ` next photo ${t.pairedRatios.nextPhoto}×, app ${t.pairedRatios.appOpenToResult}×`
  ].join('\n')
}
