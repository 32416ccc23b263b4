import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Events, Settings } from '../../src-preload/contract'
import { convertFile } from '../../src-main/engine/pipeline/convert'
import { createEngine } from '../../src-main/engine/pipeline/engine'
import { LOW_LIGHT_DISPLAY_TONEMAP } from '../../src-main/engine/imaging/tonemap'
import { toneMapImage } from '../../src-main/engine/imaging/tonemap'
import { createInProcessEngineHost } from '../../src-main/engine-host/in-process'
import { createHandlers, type Dialogs } from '../../src-main/ipc/handlers'
import { HandedFiles } from '../../src-main/ipc/handed-files'
import { createPathGuard } from '../../src-main/ipc/path-guard'
import { openSettingsStore } from '../../src-main/settings'
import { decodeGainMapJpeg } from '../helpers/gainmap-decoder'
import { pythonSkipReason, runPython } from '../helpers/python'

const TONEMAP = { operator: 'reinhard', exposureEv: 0, whitePoint: Infinity, gamma: 1 } as const

let dir: string
let photo: string
let notImage: string
const host = createInProcessEngineHost({ modelsDir: 'test/fixtures/models', model: 'unclip-fixture' })
const events: { event: keyof Events; payload: unknown }[] = []
const shown: string[] = []
let dialogAnswer: { files: string[]; folder: string | null } = { files: [], folder: null }
let handlers: ReturnType<typeof createHandlers>
const handed = new HandedFiles()
let quits = 0

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unclip-handlers-'))
  photo = join(dir, 'sky.png')
  // 96×64 gradient whose top-left corner is blown out (clipped).
  const width = 96
  const height = 64
  const pixels = Buffer.alloc(width * height * 3)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const v = x < 24 && y < 16 ? 255 : Math.round((x / width) * 200)
      pixels.fill(v, (y * width + x) * 3, (y * width + x) * 3 + 3)
    }
  await sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(photo)
  notImage = join(dir, 'notes.jpg')
  await writeFile(notImage, 'these are not pixels')
  const dialogs: Dialogs = {
    openFiles: async () => dialogAnswer.files,
    openFolder: async () => dialogAnswer.folder,
    chooseOutputFolder: async () => dialogAnswer.folder,
    confirmReplace: async () => false
  }
  handlers = createHandlers({
    host,
    dialogs,
    settings: await openSettingsStore(join(dir, 'settings', 'settings.json')),
    shell: { showItemInFolder: (path) => shown.push(path) },
    pathGuard: createPathGuard(),
    emit: (event, payload) => events.push({ event, payload }),
    pendingFiles: { drain: () => ['/pending/a.jpg'] },
    roundTrip: { files: handed, quit: () => quits++ }
  })
})

const nightDirs: string[] = []

afterAll(async () => {
  await host.dispose()
  await Promise.all(nightDirs.map((night) => rm(night, { recursive: true, force: true })))
})

const cv2Missing = pythonSkipReason(['cv2'])

/** A dark 48×32 PNG (levels 6–37 of 255) in its own folder, granted through the Open dialog. */
async function darkPhoto(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'unclip-handlers-night-'))
  nightDirs.push(folder)
  const night = join(folder, 'night.png')
  const raw = Buffer.alloc(48 * 32 * 3)
  for (let i = 0; i < raw.length; i++) raw[i] = 6 + (Math.floor(i / 3) % 32)
  await sharp(raw, { raw: { width: 48, height: 32, channels: 3 } })
    .png()
    .toFile(night)
  dialogAnswer = { files: [night], folder: null }
  await handlers['dialog:openFiles'](undefined)
  return night
}

async function meanLevel(file: string): Promise<number> {
  return (await sharp(file).stats()).channels.slice(0, 3).reduce((sum, channel) => sum + channel.mean, 0) / 3
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length)
  let max = 0
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]))
  return max
}

describe('IPC handlers with the in-process engine host', () => {
  it('refuses paths the user never chose', async () => {
    expect(await handlers['image:open']({ path: photo })).toEqual({
      ok: false,
      error: {
        code: 'PATH_NOT_ALLOWED',
        message: `Not allowed to access path "${photo}": open it with the Open dialog or drop it on the window first.`
      }
    })
    expect((await handlers['folder:list']({ folder: dir })).ok).toBe(false)
  })

  it('answers bad arguments with INVALID_ARGUMENT and the exact message', async () => {
    expect(await handlers['image:open']({ path: 'sky.png' })).toEqual({
      ok: false,
      error: {
        code: 'INVALID_ARGUMENT',
        message: 'Expected absolute path for path but received "sky.png" of type string'
      }
    })
    expect(await handlers['image:open'](undefined)).toEqual({
      ok: false,
      error: {
        code: 'INVALID_ARGUMENT',
        message: 'Expected object for request but received undefined of type undefined'
      }
    })
  })

  it('grants what the dialog returns, then opens, converts and exports it', async () => {
    dialogAnswer = { files: [photo, notImage], folder: null }
    expect(await handlers['dialog:openFiles'](undefined)).toEqual({ ok: true, value: [photo, notImage] })

    const opened = await handlers['image:open']({ path: photo })
    if (!opened.ok) throw new Error(opened.error.message)
    expect(opened.value).toMatchObject({
      width: 96,
      height: 64,
      previewWidth: 96,
      previewHeight: 64,
      metadata: { format: 'png' }
    })
    expect(opened.value.ldr).toBeInstanceOf(Float32Array)
    expect(opened.value.ldr.length).toBe(96 * 64 * 3)
    expect(opened.value.clippedFraction).toBeCloseTo((24 * 16) / (96 * 64), 5)

    const converted = await handlers['image:convert']({ jobId: 'c1', path: photo, mode: 'hdr' })
    if (!converted.ok) throw new Error(converted.error.message)
    expect(converted.value.hdr.length).toBe(96 * 64 * 3)
    // The fixture boosts clipped highlights above display white.
    expect(converted.value.peak).toBeGreaterThan(1)
    const progress = events.filter((e) => e.event === 'job:progress').map((e) => e.payload as Events['job:progress'])
    expect(progress.every((p) => p.jobId === 'c1')).toBe(true)
    expect(progress.at(-1)?.event.stage).toBe('done')
    // "Before" is the input linearised as the result is: equal to it wherever the input is far from clipping.
    expect(converted.value.before.length).toBe(96 * 64 * 3)
    const far = (96 * 40 + 60) * 3 // level 125 of 255
    expect(converted.value.before[far]).toBe(converted.value.hdr[far])

    // Full-resolution regions for views at 100 %: the same samples as the whole images.
    const region = await handlers['image:region']({ path: photo, mode: 'hdr', x: 10, y: 5, width: 20, height: 30 })
    if (!region.ok) throw new Error(region.error.message)
    const at = (x: number, y: number): number => ((y + 5) * 96 + x + 10) * 3
    expect(region.value.ldr[(3 * 20 + 4) * 3]).toBe(opened.value.ldr[at(4, 3)])
    expect(region.value.hdr?.[(29 * 20 + 19) * 3 + 2]).toBe(converted.value.hdr[at(19, 29) + 2])
    expect(region.value.before?.length).toBe(20 * 30 * 3)
    const outside = await handlers['image:region']({ path: photo, mode: null, x: 90, y: 0, width: 20, height: 8 })
    expect(outside).toEqual({
      ok: false,
      error: {
        code: 'INVALID_ARGUMENT',
        message: 'Expected a region inside the 96×64 photo but received 20×8 at (90, 0)'
      }
    })
    const unconverted = await handlers['image:region']({
      path: photo,
      mode: 'lowlight',
      x: 0,
      y: 0,
      width: 8,
      height: 8
    })
    expect(unconverted.ok ? 'ok' : unconverted.error.message).toBe(
      `${photo} has no lowlight result to show; convert it first.`
    )

    const exported = await handlers['export:write']({
      path: photo,
      formats: ['hdr', 'png'],
      tonemap: TONEMAP,
      mode: 'hdr',
      overwrite: false
    })
    if (!exported.ok) throw new Error(exported.error.message)
    expect(exported.value.outputs).toHaveLength(2)
    for (const output of exported.value.outputs) expect((await stat(output)).size).toBeGreaterThan(0)
    expect((await readFile(exported.value.outputs.find((o) => o.endsWith('.hdr'))!)).subarray(0, 10).toString()).toBe(
      '#?RADIANCE'
    )

    const again = await handlers['export:write']({
      path: photo,
      formats: ['png'],
      tonemap: TONEMAP,
      mode: 'hdr',
      overwrite: false
    })
    expect(again.ok ? 'ok' : again.error.code).toBe('OUTPUT_EXISTS')
    // Keep both: the first free -2, -3… beside the files already there.
    for (const n of [2, 3]) {
      const both = await handlers['export:write']({
        path: photo,
        formats: ['png'],
        tonemap: TONEMAP,
        mode: 'hdr',
        overwrite: false,
        keepBoth: true
      })
      if (!both.ok) throw new Error(both.error.message)
      expect(both.value.outputs.map((o) => basename(o))).toEqual([`sky-${n}.png`])
    }
    // JPEG quality from the panel: a lower quality, a smaller file.
    const sizes: number[] = []
    for (const jpegQuality of [60, 100]) {
      const jpeg = await handlers['export:write']({
        path: photo,
        formats: ['jpg'],
        tonemap: TONEMAP,
        mode: 'hdr',
        overwrite: false,
        keepBoth: true,
        jpegQuality
      })
      if (!jpeg.ok) throw new Error(jpeg.error.message)
      sizes.push((await stat(jpeg.value.outputs[0])).size)
    }
    expect(sizes[0]).toBeLessThan(sizes[1])
    const badQuality = await handlers['export:write']({
      path: photo,
      formats: ['jpg'],
      tonemap: TONEMAP,
      mode: 'hdr',
      overwrite: false,
      jpegQuality: 101
    })
    expect(badQuality.ok ? 'ok' : badQuality.error.message).toBe(
      'Expected integer between 50 and 100 for jpegQuality but received 101 of type number'
    )

    // Outputs the app wrote may be shown in the file manager.
    expect(await handlers['shell:showInFolder']({ path: exported.value.outputs[0] })).toEqual({ ok: true, value: null })
    expect(shown).toEqual([exported.value.outputs[0]])
  })

  it('reports a non-image file as NOT_AN_IMAGE', async () => {
    const result = await handlers['image:open']({ path: notImage })
    expect(result.ok ? 'ok' : result.error.code).toBe('NOT_AN_IMAGE')
  })

  it('writes the 16-bit Save-and-return TIFF beside the original and never replaces a non-TIFF', async () => {
    const saved = await handlers['plugin:saveAndReturn']({
      path: photo,
      tonemap: TONEMAP,
      mode: 'hdr',
      confirmReplace: false
    })
    if (!saved.ok) throw new Error(saved.error.message)
    expect(saved.value.output).toBe(join(dir, 'sky-unclip.tif'))
    const meta = await sharp(saved.value.output).metadata()
    expect(meta).toMatchObject({ format: 'tiff', width: 96, height: 64, depth: 'ushort' })
    const replace = await handlers['plugin:saveAndReturn']({
      path: photo,
      tonemap: TONEMAP,
      mode: 'hdr',
      confirmReplace: true
    })
    expect(replace.ok ? 'ok' : replace.error.code).toBe('INVALID_ARGUMENT')
    expect((await sharp(photo).metadata()).format).toBe('png')
  })

  it('replaces a TIFF the editor handed over without asking, keeps its bit depth, and returns HDR as float', async () => {
    const folder = join(dir, 'edit-in')
    await mkdir(folder)
    const tiff = join(folder, 'edit-in.tif')
    const other = join(folder, 'not-handed.tif')
    for (const file of [tiff, other]) await sharp(photo).tiff().toFile(file)
    const otherBytes = await readFile(other)
    expect(await handlers['paths:grant']({ paths: [tiff, other] })).toEqual({ ok: true, value: [tiff, other] })
    handed.add(tiff)
    expect(await handlers['plugin:roundTrip']({ paths: [tiff, other, photo] })).toEqual({
      ok: true,
      value: [
        { path: tiff, output: tiff, replaces: true },
        { path: other, output: join(folder, 'not-handed-unclip.tif'), replaces: false },
        { path: photo, output: join(dir, 'sky-unclip.tif'), replaces: false }
      ]
    })
    const request = { tonemap: TONEMAP, mode: 'hdr', confirmReplace: true } as const
    // Not handed over: only a native "Replace" may agree, and the scripted dialog says no.
    const refused = await handlers['plugin:saveAndReturn']({ ...request, path: other })
    expect(refused.ok ? 'ok' : refused.error.code).toBe('CANCELLED')
    expect(await readFile(other)).toEqual(otherBytes)
    const saved = await handlers['plugin:saveAndReturn']({ ...request, path: tiff })
    expect(saved).toEqual({ ok: true, value: { output: tiff } })
    expect(await sharp(tiff).metadata()).toMatchObject({ format: 'tiff', width: 96, height: 64, depth: 'uchar' })
    const hdr = await handlers['plugin:saveAndReturn']({ ...request, path: tiff, returnHdr: true })
    expect(hdr).toEqual({ ok: true, value: { output: tiff } })
    expect(await sharp(tiff).metadata()).toMatchObject({ format: 'tiff', width: 96, height: 64, depth: 'float' })
    const invalid = await handlers['plugin:saveAndReturn']({ ...request, path: tiff, returnHdr: 'yes' })
    expect(invalid.ok ? 'ok' : invalid.error.code).toBe('INVALID_ARGUMENT')
    expect(await handlers['app:quit'](undefined)).toEqual({ ok: true, value: null })
    expect(quits).toBe(1)
  })

  it('converts and exports in low-light mode: brighter, previewed as written, the same PNG as the CLI', async () => {
    const night = await darkPhoto()
    const converted = await handlers['image:convert']({ jobId: 'c2', path: night, mode: 'lowlight' })
    if (!converted.ok) throw new Error(converted.error.message)
    expect(converted.value).toMatchObject({
      mode: 'lowlight',
      width: 48,
      height: 32,
      previewWidth: 48,
      previewHeight: 32
    })
    // The preview is the finished picture, already within display white.
    expect(converted.value.peak).toBeLessThanOrEqual(1)

    const exported = await handlers['export:write']({
      path: night,
      formats: ['png'],
      tonemap: TONEMAP,
      mode: 'lowlight',
      overwrite: false
    })
    if (!exported.ok) throw new Error(exported.error.message)
    const [png] = exported.value.outputs
    expect(await meanLevel(png)).toBeGreaterThan(2 * (await meanLevel(night)))

    // The user's tone settings do not apply: the preview through LOW_LIGHT_DISPLAY_TONEMAP is the file.
    const written = await sharp(png).raw().toBuffer()
    const previewed = toneMapImage({ width: 48, height: 32, data: converted.value.hdr }, LOW_LIGHT_DISPLAY_TONEMAP, 8)
    expect(maxDifference(written, previewed)).toBeLessThanOrEqual(1)

    // The CLI decodes to integer samples, the app to floats; the files agree within one level.
    const engine = await createEngine({ modelsDir: 'test/fixtures/models', model: 'unclip-fixture' })
    try {
      const cli = await convertFile(engine, night, {
        outputBase: join(dirname(night), 'cli', 'night'),
        outDir: '',
        formats: ['png'],
        mode: 'lowlight',
        overwrite: false
      })
      expect(maxDifference(written, await sharp(cli.outputs[0]).raw().toBuffer())).toBeLessThanOrEqual(1)
    } finally {
      await engine.dispose()
    }
  })

  it('exports low-light EXR and Ultra HDR from the exposed radiance', async () => {
    const night = await darkPhoto()
    const exported = await handlers['export:write']({
      path: night,
      formats: ['exr', 'jpg-hdr'],
      tonemap: TONEMAP,
      mode: 'lowlight',
      overwrite: false
    })
    if (!exported.ok) throw new Error(exported.error.message)
    const [exr, ultraHdr] = exported.value.outputs
    expect([basename(exr), basename(ultraHdr)]).toEqual(['night.exr', 'night-ultrahdr.jpg'])
    // OpenEXR magic number, little-endian.
    expect((await readFile(exr)).readUInt32LE(0)).toBe(20000630)
    expect(await sharp(ultraHdr).metadata()).toMatchObject({ format: 'jpeg', width: 48, height: 32 })
    const decoded = await decodeGainMapJpeg(await readFile(ultraHdr))
    expect(decoded.hdr.length).toBe(48 * 32 * 3)
    if (cv2Missing === null) {
      const mean = runPython('import sys, cv2\nprint(float(cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED).mean()))', {
        args: [exr],
        env: { OPENCV_IO_ENABLE_OPENEXR: '1' }
      })
      // The input's mean linear level is about 0.01; the exposure rule lifts it well above.
      expect(Number(mean)).toBeGreaterThan(0.05)
    }
  })

  it('cancel of an unknown job is JOB_NOT_FOUND', async () => {
    expect(await handlers['job:cancel']({ jobId: 'nope' })).toEqual({
      ok: false,
      error: { code: 'JOB_NOT_FOUND', message: 'No running job has id "nope".' }
    })
  })

  it('lists a granted folder, remembers it, and only stores chosen folders in settings', async () => {
    dialogAnswer = { files: [], folder: dir }
    expect(await handlers['dialog:openFolder'](undefined)).toEqual({ ok: true, value: dir })
    const listed = await handlers['folder:list']({ folder: dir })
    if (!listed.ok) throw new Error(listed.error.message)
    expect(listed.value.map((e) => e.name)).toEqual(['notes.jpg', 'sky-unclip.tif', 'sky.png'])
    const settings = await handlers['settings:get'](undefined)
    expect(settings.ok && (settings.value as Settings).lastFolder).toBe(dir)
    const sneaky = await handlers['settings:set']({ lastFolder: '/etc' })
    expect(sneaky.ok ? 'ok' : sneaky.error.code).toBe('PATH_NOT_ALLOWED')
  })

  it('runs a batch over a granted folder with progress', async () => {
    const outDir = join(dir, 'batch-out')
    dialogAnswer = { files: [], folder: outDir }
    await handlers['dialog:chooseOutputFolder'](undefined)
    const result = await handlers['batch:start']({
      jobId: 'b1',
      inputs: [dir],
      formats: ['png'],
      outDir,
      recursive: false,
      overwrite: false,
      mode: 'hdr',
      tonemap: TONEMAP
    })
    if (!result.ok) throw new Error(result.error.message)
    expect(result.value.converted.map((c) => c.input).sort()).toEqual([join(dir, 'sky-unclip.tif'), photo].sort())
    expect(result.value.failed.map((f) => [f.input, f.error.code])).toEqual([[notImage, 'NOT_AN_IMAGE']])
    expect(events.some((e) => e.event === 'job:progress' && (e.payload as Events['job:progress']).jobId === 'b1')).toBe(
      true
    )
  })

  it('drains pending open-with files and reports engine info', async () => {
    expect(await handlers['app:pendingFiles'](undefined)).toEqual({ ok: true, value: ['/pending/a.jpg'] })
    const info = await handlers['engine:info'](undefined)
    expect(info.ok && info.value.model.name).toBe('unclip-fixture')
  })
})
