import { describe, expect, it } from 'vitest'
import { UnclipError } from '../errors'
import { decodeRadiance } from './radiance-decoder'
import { encodeRadiance } from './radiance-encoder'
import { prng } from '../../../test/helpers/random'

const rand = prng(20240611)

function smallImage(width: number, height: number): { width: number; height: number; data: Float32Array } {
  const data = new Float32Array(width * height * 3)
  // Half the pixels repeat their neighbour so RLE runs appear alongside literals.
  for (let i = 0; i < data.length; i++)
    data[i] = i >= 3 && rand() < 0.5 ? data[i - 3] : rand() * 2 ** (rand() * 20 - 10)
  return { width, height, data }
}

const seeds: [string, Buffer][] = [
  ['RLE', encodeRadiance(smallImage(12, 3), { exposure: 2 })],
  ['flat', encodeRadiance(smallImage(5, 4))],
  [
    'old-style RLE',
    Buffer.concat([
      Buffer.from('#?RGBE\n\n+X 2 -Y 40\n'),
      Buffer.from([9, 8, 7, 130, 1, 1, 1, 39, 5, 6, 7, 131, 1, 1, 1, 38, 4, 4, 4, 129])
    ])
  ]
]

/** Decodes, or throws an UnclipError the UI understands; anything else fails the test. */
function expectCleanOutcome(bytes: Uint8Array, label: string): 'decoded' | 'rejected' {
  try {
    const image = decodeRadiance(bytes)
    expect(image.data.length, label).toBe(image.width * image.height * 3)
    return 'decoded'
  } catch (error) {
    if (!(error instanceof UnclipError) || (error.code !== 'CORRUPT_IMAGE' && error.code !== 'UNSUPPORTED_FORMAT')) {
      throw new Error(`${label}: unexpected ${String(error)}`, { cause: error })
    }
    return 'rejected'
  }
}

describe('decodeRadiance fuzz', () => {
  it('the seed files decode', () => {
    for (const [name, bytes] of seeds) expect(expectCleanOutcome(bytes, name)).toBe('decoded')
  })

  it('rejects every proper prefix of each seed file', () => {
    for (const [name, bytes] of seeds) {
      for (let length = 0; length < bytes.length; length++) {
        expect(expectCleanOutcome(bytes.subarray(0, length), `${name} cut to ${length}`)).toBe('rejected')
      }
    }
  })

  it('survives random byte changes', () => {
    const outcomes = { decoded: 0, rejected: 0 }
    for (let n = 0; n < 3000; n++) {
      const [name, seed] = seeds[n % seeds.length]
      const bytes = Buffer.from(seed)
      const changes = 1 + Math.floor(rand() * 4)
      for (let c = 0; c < changes; c++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256)
      outcomes[expectCleanOutcome(bytes, `${name} mutation ${n}`)]++
    }
    // Both outcomes must occur, or the mutations are not reaching the interesting code.
    expect(outcomes.decoded).toBeGreaterThan(100)
    expect(outcomes.rejected).toBeGreaterThan(100)
  })

  it('survives random buffers, with and without a valid header in front', () => {
    const headers = ['', '#?RADIANCE\n\n-Y 4 +X 9\n', '#?RADIANCE\n\n+X 3 -Y 2\n', '#?RADIANCE\n\n-Y 2 +X 40\n']
    for (let n = 0; n < 2000; n++) {
      const header = Buffer.from(headers[n % headers.length])
      const body = Buffer.from(Array.from({ length: Math.floor(rand() * 300) }, () => Math.floor(rand() * 256)))
      // Bias toward RLE scanline starts so the run decoder sees garbage, not just the flat path.
      if (body.length > 4 && rand() < 0.5) body.set([2, 2, 0, n % 3 === 0 ? 9 : 40])
      expectCleanOutcome(Buffer.concat([header, body]), `random buffer ${n}`)
    }
  })
})
