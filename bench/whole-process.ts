/**
 * Speed as a user times it: whole processes, started and waited for, beside the floor any converter
 * pays (sharp decoding the same JPEGs and writing 8-bit PNGs at zlib level 4, in a fresh process too).
 * `unclip info` is start-up alone; one photo is `unclip convert photo.jpg` (`.hdr` + PNG) from start to
 * exit; a folder is the same over `folderPhotos` photos, per photo.
 */
import { execFile } from 'node:child_process'
import { copyFile, mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface WholeProcessTiming {
  megapixels: number
  /** Median over `repeats` runs, milliseconds. */
  infoMs: number
  onePhotoMs: number
  sharpOnePhotoMs: number
  folderPerPhotoMs: number
  sharpFolderPerPhotoMs: number
  folderPhotos: number
  repeats: number
}

async function timed(command: string, args: string[], cwd: string): Promise<number> {
  const started = performance.now()
  await run(command, args, { cwd, maxBuffer: 16 * 1024 * 1024 })
  return performance.now() - started
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
 * @param photo A JPEG of `megapixels`.
 * @param bin `bin/unclip.js`; `flags` select the model.
 */
export async function measureWholeProcess(
  photo: string,
  megapixels: number,
  work: string,
  root: string,
  flags: string[],
  folderPhotos = 3,
  repeats = 3
): Promise<WholeProcessTiming> {
  const bin = join(root, 'bin/unclip.js')
  const one = join(work, 'one')
  const folder = join(work, 'folder')
  await mkdir(one, { recursive: true })
  await mkdir(folder, { recursive: true })
  await copyFile(photo, join(one, 'photo.jpg'))
  for (let i = 0; i < folderPhotos; i++) await copyFile(photo, join(folder, `photo-${i}.jpg`))
  const samples = {
    info: [] as number[],
    one: [] as number[],
    sharpOne: [] as number[],
    folder: [] as number[],
    sharpFolder: [] as number[]
  }
  for (let r = 0; r < repeats; r++) {
    const out = join(work, `out-${r}`)
    await mkdir(join(out, 'sharp-one'), { recursive: true })
    await mkdir(join(out, 'sharp-folder'), { recursive: true })
    samples.info.push(await timed(process.execPath, [bin, 'info', ...flags], work))
    samples.one.push(
      await timed(process.execPath, [bin, 'convert', join(one, 'photo.jpg'), '-o', join(out, 'one'), ...flags], work)
    )
    samples.sharpOne.push(await timed(process.execPath, ['-e', SHARP_SCRIPT, one, join(out, 'sharp-one')], root))
    samples.folder.push(
      await timed(process.execPath, [bin, 'convert', folder, '-o', join(out, 'folder'), ...flags], work)
    )
    samples.sharpFolder.push(
      await timed(process.execPath, ['-e', SHARP_SCRIPT, folder, join(out, 'sharp-folder')], root)
    )
    await rm(out, { recursive: true, force: true })
  }
  return {
    megapixels,
    infoMs: median(samples.info),
    onePhotoMs: median(samples.one),
    sharpOnePhotoMs: median(samples.sharpOne),
    folderPerPhotoMs: Math.round(median(samples.folder) / folderPhotos),
    sharpFolderPerPhotoMs: Math.round(median(samples.sharpFolder) / folderPhotos),
    folderPhotos,
    repeats
  }
}

/** One line a user can read: the CLI's whole-process times beside sharp's, with the ratio. */
export function formatWholeProcess(t: WholeProcessTiming): string {
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`
  return [
    `Whole processes, ${t.megapixels} MP, medians of ${t.repeats}: unclip info ${t.infoMs} ms;`,
    `one photo ${t.onePhotoMs} ms vs sharp JPEG→PNG ${t.sharpOnePhotoMs} ms (${ratio(t.onePhotoMs, t.sharpOnePhotoMs)});`,
    `a folder of ${t.folderPhotos}: ${t.folderPerPhotoMs} ms per photo vs ${t.sharpFolderPerPhotoMs} ms (${ratio(t.folderPerPhotoMs, t.sharpFolderPerPhotoMs)})`
  ].join(' ')
}
