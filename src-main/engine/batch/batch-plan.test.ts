import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { planBatch, type PlanOptions } from './batch-plan'
import { UnclipError } from '../errors'

let dir: string
const defaults: PlanOptions = { outDir: '', recursive: false, formats: ['hdr', 'png'] }

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unclip-plan-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Creates empty files (planning never opens them). */
async function touch(...paths: string[]): Promise<void> {
  for (const path of paths) {
    await mkdir(join(dir, path, '..'), { recursive: true })
    await writeFile(join(dir, path), '')
  }
}

async function planError(inputs: string[], options: PlanOptions): Promise<UnclipError> {
  const error = await planBatch(inputs, options).catch((e: unknown) => e)
  if (!(error instanceof UnclipError)) throw new Error(`expected an UnclipError, got ${String(error)}`)
  return error
}

describe('planBatch', () => {
  it('lists supported images of a folder case-insensitively, skipping hidden files and others', async () => {
    await touch('b.JPG', 'a.jpeg', 'c.Png', 'd.tif', 'e.TIFF', 'f.webp', 'g.avif', 'h.heic', 'i.HEIF')
    await touch('.hidden.jpg', '.photo.hdr.unclip-tmp-123-abcd', 'notes.txt', 'raw.dng', 'already.hdr', 'sub/x.jpg')
    const plan = await planBatch([dir], defaults)
    expect(plan).toEqual(
      ['a.jpeg', 'b.JPG', 'c.Png', 'd.tif', 'e.TIFF', 'f.webp', 'g.avif', 'h.heic', 'i.HEIF'].map((name) => ({
        input: join(dir, name),
        outputBase: join(dir, 'unclip', name.replace(/\.[^.]+$/, ''))
      }))
    )
  })

  it("puts a single file's outputs in unclip/ beside it, and takes any file given explicitly", async () => {
    await touch('one.jpg', 'odd.txt')
    expect(await planBatch([join(dir, 'one.jpg'), join(dir, 'odd.txt')], defaults)).toEqual([
      { input: join(dir, 'one.jpg'), outputBase: join(dir, 'unclip', 'one') },
      { input: join(dir, 'odd.txt'), outputBase: join(dir, 'unclip', 'odd') }
    ])
  })

  it('mirrors the folder tree under the output folder when recursive, never entering the output folder', async () => {
    await touch('top.jpg', 'trip/day1/a.jpg', 'trip/b.png', 'unclip/top.png', 'unclip/trip/b.png', '.git/c.jpg')
    const plan = await planBatch([dir], { ...defaults, recursive: true })
    expect(plan).toEqual([
      { input: join(dir, 'top.jpg'), outputBase: join(dir, 'unclip', 'top') },
      { input: join(dir, 'trip', 'b.png'), outputBase: join(dir, 'unclip', 'trip', 'b') },
      { input: join(dir, 'trip', 'day1', 'a.jpg'), outputBase: join(dir, 'unclip', 'trip', 'day1', 'a') }
    ])
  })

  it('sends everything to an explicit output folder and skips it when it lies inside an input', async () => {
    await touch('in/a.jpg', 'in/sub/b.jpg', 'in/out/a.png')
    const out = join(dir, 'in', 'out')
    const plan = await planBatch([join(dir, 'in')], { ...defaults, outDir: out, outDirExplicit: true, recursive: true })
    expect(plan).toEqual([
      { input: join(dir, 'in', 'a.jpg'), outputBase: join(out, 'a') },
      { input: join(dir, 'in', 'sub', 'b.jpg'), outputBase: join(out, 'sub', 'b') }
    ])
  })

  it('plans a file reached twice once, and separates outputs that would collide', async () => {
    await touch('a.jpg', 'a.PNG', 'x/a.jpg', 'b.jpg', 'b-16bit.jpg')
    const out = join(dir, 'out')
    const plan = await planBatch([join(dir, 'a.jpg'), dir, join(dir, 'x')], {
      outDir: out,
      outDirExplicit: true,
      recursive: false,
      formats: ['png', 'png16']
    })
    expect(plan).toEqual([
      { input: join(dir, 'a.jpg'), outputBase: join(out, 'a') },
      { input: join(dir, 'a.PNG'), outputBase: join(out, 'a-2') },
      // b-16bit.png would be b.jpg's 16-bit PNG: the later of the two gives way.
      { input: join(dir, 'b-16bit.jpg'), outputBase: join(out, 'b-16bit') },
      { input: join(dir, 'b.jpg'), outputBase: join(out, 'b-2') },
      { input: join(dir, 'x', 'a.jpg'), outputBase: join(out, 'a-3') }
    ])
  })

  it('keeps the plain and Ultra HDR JPEGs apart, and never plans an output onto an input', async () => {
    await touch('a-ultrahdr.png', 'a.jpg', 'c.png')
    const out = join(dir, 'out')
    const formats: PlanOptions['formats'] = ['exr', 'jpg', 'jpg-hdr']
    expect(
      await planBatch([join(dir, 'a-ultrahdr.png'), join(dir, 'a.jpg')], {
        outDir: out,
        outDirExplicit: true,
        recursive: false,
        formats
      })
    ).toEqual([
      { input: join(dir, 'a-ultrahdr.png'), outputBase: join(out, 'a-ultrahdr') },
      // a-ultrahdr.jpg is already a-ultrahdr.png's plain JPEG.
      { input: join(dir, 'a.jpg'), outputBase: join(out, 'a-2') }
    ])
    // Exported into its own folder, a.jpg's JPEG would replace a.jpg itself.
    expect(
      await planBatch([join(dir, 'a.jpg'), join(dir, 'c.png')], {
        outDir: dir,
        outDirExplicit: true,
        recursive: false,
        formats
      })
    ).toEqual([
      { input: join(dir, 'a.jpg'), outputBase: join(dir, 'a-2') },
      { input: join(dir, 'c.png'), outputBase: join(dir, 'c') }
    ])
  })

  it('follows symlinks to files but not to folders', async () => {
    await touch('real/a.jpg', 'loop/b.jpg')
    await symlink(join(dir, 'real', 'a.jpg'), join(dir, 'loop', 'link.jpg'))
    await symlink(join(dir, 'loop'), join(dir, 'loop', 'again'))
    await symlink(join(dir, 'nowhere.jpg'), join(dir, 'loop', 'dangling.jpg'))
    const plan = await planBatch([join(dir, 'loop')], { ...defaults, recursive: true })
    expect(plan.map((p) => p.input)).toEqual([join(dir, 'loop', 'b.jpg'), join(dir, 'loop', 'link.jpg')])
  })

  it('returns nothing for a folder without images', async () => {
    await touch('notes.txt')
    expect(await planBatch([dir], defaults)).toEqual([])
  })

  it('refuses a missing input with FILE_NOT_FOUND', async () => {
    const missing = join(dir, 'nope.jpg')
    const error = await planError([missing], defaults)
    expect(error.code).toBe('FILE_NOT_FOUND')
    expect(error.message).toBe(`File not found: ${missing}`)
  })

  it('refuses nonsense options with INVALID_ARGUMENT', async () => {
    const cases: [string[], PlanOptions, string][] = [
      [[], defaults, 'Expected at least one input file or folder but received none'],
      [
        [dir],
        { ...defaults, formats: [] },
        'Expected at least one output format (hdr, png, png16, exr, jpg, jpg-hdr, tif16, tif32) but received none'
      ],
      [
        [dir],
        { ...defaults, formats: ['gif' as never] },
        'Unknown output format "gif"; expected one of hdr, png, png16, exr, jpg, jpg-hdr, tif16, tif32'
      ],
      [[dir], { ...defaults, formats: ['png', 'png'] }, 'Output format listed twice: png,png'],
      [[dir], { ...defaults, recursive: 'yes' as never }, 'Expected boolean for recursive but received string'],
      [
        [dir],
        { ...defaults, outDir: 'relative/out', outDirExplicit: true },
        'Expected an absolute output folder but received "relative/out"'
      ]
    ]
    for (const [inputs, options, message] of cases) {
      const error = await planError(inputs, options)
      expect([error.code, error.message]).toEqual(['INVALID_ARGUMENT', message])
    }
  })
})
