/**
 * `unclip convert --in-place`, the photo editors' round trip through the real CLI: the host's 16-bit
 * TIFF is replaced by its result (tone-mapped 16-bit, or 32-bit float), keeping its size and EXIF; a
 * JPEG is never replaced and gets `<name>-unclip.tif`; a kill during the save leaves the host's
 * file as it was (and, unless it is SIGKILL, no temporary file). Files are read back by sharp, exiftool and OpenCV.
 */
import { execFileSync } from 'node:child_process'
import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { imagePipeline } from '../helpers/images'
import { ADOBE_RGB_ICC, proPhotoSkipReason, SRGB_ICC, writeProPhotoTiff } from '../helpers/prophoto'
import { hasTool } from '../helpers/tools'
import { listFiles, writePhoto } from './photos'
import { FIXTURE_FLAGS, finished, jsonLines, runCli, startCli } from './run-cli'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unclip-in-place-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const hasExiftool = hasTool('exiftool', ['-ver'])

/**
 * A 16-bit TIFF as an editor renders one for "Edit In": an sRGB profile, a clipped corner, and (where
 * exiftool is installed: sharp writes no EXIF into TIFFs) the camera tags in IFD0 and the Exif IFD.
 */
async function hostTiff(name: string, width = 90, height = 60): Promise<string> {
  const path = join(dir, name)
  const pixels = (x: number, y: number): [number, number, number] =>
    x < 0.3 && y < 0.3 ? [1, 1, 1] : [0.2 + 0.6 * x, 0.3, 0.2 + 0.5 * y]
  await imagePipeline(width, height, pixels, 16).withIccProfile('srgb').tiff({ compression: 'lzw' }).toFile(path)
  if (hasExiftool)
    execFileSync('exiftool', ['-q', '-overwrite_original', '-Make=Host', '-Model=Edit In', '-ExifIFD:FNumber=4', path])
  return path
}

describe('unclip convert --in-place', () => {
  it("replaces the editor's TIFF with the same size, 16-bit, its EXIF and the pixels of a tif16 export", async () => {
    const tiff = await hostTiff('edit.tif')
    await copyFile(tiff, join(dir, 'copy.tif'))
    const run = await runCli(['convert', 'edit.tif', '--in-place', '--json', ...FIXTURE_FLAGS], dir)
    expect(run.code).toBe(0)
    expect(jsonLines(run.stdout).at(-1)).toMatchObject({ converted: [{ input: tiff, outputs: [tiff] }] })
    const meta = await sharp(tiff).metadata()
    expect(meta).toMatchObject({ format: 'tiff', width: 90, height: 60, depth: 'ushort', orientation: 1 })
    // The same conversion as an ordinary export, written elsewhere.
    const exported = await runCli(['convert', 'copy.tif', '--format', 'tif16', '-o', 'out', ...FIXTURE_FLAGS], dir)
    expect(exported.code).toBe(0)
    const [a, b] = await Promise.all([tiff, join(dir, 'out', 'copy.tif')].map((f) => sharp(f).raw().toBuffer()))
    expect(a.equals(b)).toBe(true)
    if (hasExiftool) {
      const [info] = JSON.parse(execFileSync('exiftool', ['-j', '-G1', '-n', tiff]).toString()) as Record<
        string,
        unknown
      >[]
      expect(info).toMatchObject({ 'IFD0:Make': 'Host', 'IFD0:Model': 'Edit In', 'ExifIFD:FNumber': 4 })
    }
    expect(await listFiles(dir)).toEqual(['copy.tif', 'edit.tif', 'out/copy.tif'])
  })

  it('returns HDR as a 32-bit float TIFF with --format tif32', async () => {
    const tiff = await hostTiff('hdr.tiff')
    const run = await runCli(['convert', 'hdr.tiff', '--in-place', '--format', 'tif32', ...FIXTURE_FLAGS], dir)
    expect(run.code).toBe(0)
    expect(await sharp(tiff).metadata()).toMatchObject({ format: 'tiff', width: 90, height: 60, depth: 'float' })
  })

  it('never replaces a JPEG: the result goes beside it as -unclip.tif, and is not replaced either', async () => {
    const jpeg = await writePhoto(join(dir, 'camera.jpg'), 64, 48)
    const original = await readFile(jpeg)
    const first = await runCli(['convert', 'camera.jpg', '--in-place', ...FIXTURE_FLAGS], dir)
    expect(first.code).toBe(0)
    expect(await readFile(jpeg)).toEqual(original)
    const result = join(dir, 'camera-unclip.tif')
    expect(await sharp(result).metadata()).toMatchObject({ format: 'tiff', depth: 'ushort', width: 64 })
    const before = await readFile(result)
    const second = await runCli(['convert', 'camera.jpg', '--in-place', ...FIXTURE_FLAGS], dir)
    expect(second.code).toBe(1) // skipped: the result exists
    expect(await readFile(result)).toEqual(before)
    expect(await listFiles(dir)).toEqual(['camera-unclip.tif', 'camera.jpg'])
  })

  /** Starts the round trip on a big TIFF and sends `signal` once the result's temporary file is being written. */
  async function killDuringSave(
    signal: NodeJS.Signals
  ): Promise<{ code: number | null; original: Buffer; tiff: string }> {
    const tiff = await hostTiff('big.tif', 2000, 1500)
    const original = await readFile(tiff)
    const child = startCli(['convert', 'big.tif', '--in-place', '--json', ...FIXTURE_FLAGS], dir)
    let exited = false
    const done = finished(child).finally(() => (exited = true))
    // The save streams into a hidden temporary file beside the original; kill while it grows.
    const saving = async (): Promise<boolean> =>
      (await readdir(dir)).some((name) => name.startsWith('.big.tif.unclip-tmp-'))
    while (!exited && !(await saving())) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(exited, 'the conversion ended before its temporary file was seen').toBe(false)
    child.kill(signal)
    const { code } = await done
    return { code, original, tiff }
  }

  it("leaves the host's file as it was and no temporary file when stopped (SIGTERM) during the save", async () => {
    const { code, original, tiff } = await killDuringSave('SIGTERM')
    expect(code).toBe(143)
    // Buffer.equals, not toEqual: a deep compare of a big TIFF takes tens of seconds on a busy machine.
    expect((await readFile(tiff)).equals(original)).toBe(true)
    expect(await listFiles(dir)).toEqual(['big.tif'])
  })

  it("leaves the host's file as it was when killed (SIGKILL) during the save; the next run removes the leftover", async () => {
    const { original, tiff } = await killDuringSave('SIGKILL')
    expect((await readFile(tiff)).equals(original)).toBe(true)
    // SIGKILL allows no cleanup; the next run in the folder sweeps what the dead process left.
    await writePhoto(join(dir, 'small.jpg'))
    expect((await runCli(['convert', 'small.jpg', '--in-place', ...FIXTURE_FLAGS], dir)).code).toBe(0)
    expect(await listFiles(dir)).toEqual(['big.tif', 'small-unclip.tif', 'small.jpg'])
    // A hang guard, not a speed check: two CLI processes and a 3 MP photo can pass a minute on two cores
    // while the rest of the suite runs beside them.
  }, 180_000)

  it('keeps an 8-bit TIFF 8-bit, and a ProPhoto TIFF in ProPhoto with its profile', async () => {
    const eight = join(dir, 'eight.tif')
    await imagePipeline(40, 30).tiff().toFile(eight)
    expect((await runCli(['convert', 'eight.tif', '--in-place', ...FIXTURE_FLAGS], dir)).code).toBe(0)
    expect(await sharp(eight).metadata()).toMatchObject({ format: 'tiff', depth: 'uchar', width: 40 })
    if (proPhotoSkipReason()) return
    // An 8-bit Adobe RGB TIFF: its sRGB copy for the model is 16-bit, the photo is not.
    const adobe = join(dir, 'adobe.tif')
    execFileSync('convert', [
      '-size',
      '40x30',
      'gradient:red-blue',
      '-depth',
      '8',
      '-profile',
      SRGB_ICC,
      '-profile',
      ADOBE_RGB_ICC,
      adobe
    ])
    expect((await runCli(['convert', 'adobe.tif', '--in-place', ...FIXTURE_FLAGS], dir)).code).toBe(0)
    expect(await sharp(adobe).metadata()).toMatchObject({ depth: 'uchar', width: 40 })
    const prophoto = join(dir, 'prophoto.tif')
    await writeProPhotoTiff(prophoto)
    const profile = (await sharp(prophoto).metadata()).icc
    expect((await runCli(['convert', 'prophoto.tif', '--in-place', ...FIXTURE_FLAGS], dir)).code).toBe(0)
    const after = await sharp(prophoto).metadata()
    expect(after).toMatchObject({ depth: 'ushort', width: 64, height: 48 })
    expect(after.icc?.equals(profile!)).toBe(true)
  })

  it('refuses an output folder, folders and other formats with a usage error', async () => {
    await hostTiff('a.tif')
    for (const [args, message] of [
      [['-o', 'out'], '--in-place writes beside each photo; it takes no --out'],
      [['--recursive'], '--in-place takes files, not folders; it takes no --recursive'],
      [['--format', 'png'], "--in-place writes tif16 or tif32, not 'png'"]
    ] as const) {
      const run = await runCli(['convert', 'a.tif', '--in-place', ...args], dir)
      expect(run.code).toBe(2)
      expect(run.stderr).toContain(message)
    }
    const folder = await runCli(['convert', '.', '--in-place', ...FIXTURE_FLAGS], dir)
    expect(folder.code).not.toBe(0)
    expect(folder.stderr).toContain(`--in-place takes files, not folders: ${dir}`)
  })
})
