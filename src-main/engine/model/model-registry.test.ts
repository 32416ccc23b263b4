import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { InferenceSession } from 'onnxruntime-node'
import { afterAll, describe, expect, it } from 'vitest'
import { createEngine } from '../pipeline/engine'
import { compareVersions, defaultModelsDir, listModels, selectModel } from './model-registry'
import type { ModelCard } from '../types'
import { expectError } from '../../../test/helpers/errors'

const FIXTURE_DIR = fileURLToPath(new URL('../../../test/fixtures/models/', import.meta.url))
const FIXTURE_ONNX = path.join(FIXTURE_DIR, 'unclip-fixture.onnx')
const root = mkdtempSync(path.join(tmpdir(), 'unclip-models-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

let counter = 0
/** A fresh models folder holding the given cards, each with a copy of the fixture ONNX unless `onnx: false`. */
function modelsDir(cards: (Partial<ModelCard> & { name: string; onnx?: false | Buffer })[]): string {
  const dir = path.join(root, `m${counter++}`)
  mkdirSync(dir)
  for (const { onnx, ...card } of cards) {
    const full = { version: '1.0.0', input: 'ldr', output: 'hdr', size_multiple: 16, ...card }
    writeFileSync(path.join(dir, `${card.name}.json`), JSON.stringify(full))
    if (onnx instanceof Buffer) writeFileSync(path.join(dir, `${card.name}.onnx`), onnx)
    else if (onnx !== false) copyFileSync(FIXTURE_ONNX, path.join(dir, `${card.name}.onnx`))
  }
  return dir
}

describe('model discovery and selection', () => {
  it('defaultModelsDir is the repository models/ folder', () => {
    expect(defaultModelsDir()).toBe(path.resolve(FIXTURE_DIR, '../../../models'))
  })

  it('lists the committed fixture', async () => {
    const [entry, ...rest] = await listModels(FIXTURE_DIR)
    expect(rest).toEqual([])
    expect(entry.card).toMatchObject({ name: 'unclip-fixture', input: 'ldr', output: 'hdr', fixture: true })
    expect(entry.onnxPath).toBe(FIXTURE_ONNX)
  })

  it('a missing or empty folder has no models', async () => {
    expect(await listModels(path.join(root, 'nowhere'))).toEqual([])
    const empty = modelsDir([])
    await expectError(selectModel(empty), 'MODEL_MISSING', `No model found in ${empty}`)
  })

  it('never picks a fixture by default, but does by name', async () => {
    await expectError(selectModel(FIXTURE_DIR), 'MODEL_MISSING', `No model found in ${FIXTURE_DIR}`)
    expect((await selectModel(FIXTURE_DIR, 'unclip-fixture')).card.name).toBe('unclip-fixture')
  })

  it('defaults to the highest version of the product models', async () => {
    const dir = modelsDir([
      { name: 'fixture', version: '9.0.0', fixture: true },
      { name: 'unclip-v1', version: '1.9.2' },
      { name: 'unclip-v1-1', version: '1.10.0' }
    ])
    expect((await selectModel(dir)).card.name).toBe('unclip-v1-1')
    expect((await selectModel(dir, 'unclip-v1')).card.version).toBe('1.9.2')
    await expectError(
      selectModel(dir, 'unclip-v3'),
      'MODEL_MISSING',
      `Model "unclip-v3" not found in ${dir} (available: unclip-v1-1, unclip-v1, fixture)`
    )
  })

  it('compares versions numerically', () => {
    expect(compareVersions('1.10.0', '1.9.9')).toBe(1)
    expect(compareVersions('2', '2.0.0')).toBe(0)
    expect(compareVersions('0.9', '1.0')).toBe(-1)
  })
})

describe('MODEL_CORRUPT', () => {
  it('card that is not JSON', async () => {
    const dir = modelsDir([])
    const text = '{ "name": "broken", '
    writeFileSync(path.join(dir, 'broken.json'), text)
    let parseMessage = ''
    try {
      JSON.parse(text)
    } catch (error) {
      parseMessage = (error as Error).message
    }
    await expectError(
      listModels(dir),
      'MODEL_CORRUPT',
      `Model card ${path.join(dir, 'broken.json')} is not valid JSON: ${parseMessage}`
    )
  })

  it('card with a bad field', async () => {
    const dir = modelsDir([{ name: 'odd', size_multiple: 0 }])
    await expectError(
      selectModel(dir),
      'MODEL_CORRUPT',
      `Model card ${path.join(dir, 'odd.json')} is invalid: "size_multiple" must be a positive integer`
    )
    const dir2 = modelsDir([{ name: 'nameless', input: '' }])
    await expectError(
      selectModel(dir2),
      'MODEL_CORRUPT',
      `Model card ${path.join(dir2, 'nameless.json')} is invalid: "input" must be a non-empty string`
    )
  })

  it('card without its ONNX file', async () => {
    const dir = modelsDir([{ name: 'hollow', onnx: false }])
    await expectError(
      selectModel(dir),
      'MODEL_CORRUPT',
      `Model "hollow" is missing its weights file: ${path.join(dir, 'hollow.onnx')}`
    )
  })

  it('ONNX file onnxruntime cannot load', async () => {
    const garbage = Buffer.from('this is not a protobuf, just text pretending to be weights')
    const dir = modelsDir([{ name: 'junk', onnx: garbage }])
    const onnxPath = path.join(dir, 'junk.onnx')
    const ortMessage = await InferenceSession.create(onnxPath).then(
      () => '',
      (e: Error) => e.message.split('\n')[0]
    )
    expect(ortMessage).not.toBe('')
    await expectError(
      createEngine({ modelsDir: dir, provider: 'cpu' }),
      'MODEL_CORRUPT',
      `Model "junk" could not be loaded from ${onnxPath}: ${ortMessage}`
    )
  })

  it('tensor names that do not match the card', async () => {
    const dir = modelsDir([{ name: 'renamed', input: 'image', output: 'radiance' }])
    await expectError(
      createEngine({ modelsDir: dir, provider: 'cpu' }),
      'MODEL_CORRUPT',
      'Model "renamed" does not match its card: expected input "image" and output "radiance", the file has inputs [ldr] and outputs [hdr]'
    )
  })
})
