import { fileURLToPath } from 'node:url'
import { InferenceSession, Tensor } from 'onnxruntime-node'
import { describe, expect, it, vi } from 'vitest'
import { UnclipError } from '../errors'
import { createSession, cudaLibrariesInstalled, preferredProviders, providersAvailable } from './providers'
import { expectError } from '../../../test/helpers/errors'

const FIXTURE_ONNX = fileURLToPath(new URL('../../../test/fixtures/models/unclip-fixture.onnx', import.meta.url))

describe('providers', () => {
  it("prefers each platform's GPU API, always ending in cpu", () => {
    expect(preferredProviders('win32')).toEqual(['dml', 'cpu'])
    expect(preferredProviders('darwin')).toEqual(['coreml', 'cpu'])
    expect(preferredProviders('linux', true)).toEqual(['cuda', 'webgpu', 'cpu'])
    expect(preferredProviders('linux', false)).toEqual(['webgpu', 'cpu'])
    expect(preferredProviders('freebsd')).toEqual(['cpu'])
  })

  it('lists cpu, and cuda only when its libraries are installed', () => {
    const available = providersAvailable()
    expect(available).toContain('cpu')
    expect(available.includes('cuda')).toBe(cudaLibrariesInstalled())
    expect(available).not.toContain('tensorrt')
  })

  it('forced cpu opens a working session with no fallbacks', async () => {
    const { session, report } = await createSession(FIXTURE_ONNX, 'cpu')
    expect(report).toEqual({ requested: ['cpu'], chosen: 'cpu', fallbacks: [] })
    const out = await session.run({ ldr: new Tensor('float32', new Float32Array(3 * 16 * 16).fill(1), [1, 3, 16, 16]) })
    expect(out.hdr.dims).toEqual([1, 3, 16, 16])
    // The fixture's fully clipped neighbourhood: linear 1 × (1 + gain 3).
    expect(out.hdr.data[0]).toBeCloseTo(4, 5)
    await session.release()
  })

  it.skipIf(cudaLibrariesInstalled() || process.platform !== 'linux')(
    'forced cuda without its libraries is PROVIDER_UNAVAILABLE with the reason',
    async () => {
      await expectError(
        createSession(FIXTURE_ONNX, 'cuda'),
        'PROVIDER_UNAVAILABLE',
        'Execution provider "cuda" is unavailable: onnxruntime CUDA libraries are not installed (libonnxruntime_providers_cuda.so missing; run "npm run cuda:install")'
      )
    }
  )

  it('a forced provider that onnxruntime refuses is PROVIDER_UNAVAILABLE with the first line of its reason', async () => {
    const refusal = new Error('\n  backend went away  \nat frame 1\nat frame 2')
    const create = vi.spyOn(InferenceSession, 'create').mockRejectedValueOnce(refusal)
    try {
      const error = await createSession(FIXTURE_ONNX, 'coreml').catch((e: unknown) => e)
      expect(error).toEqual(
        new UnclipError('PROVIDER_UNAVAILABLE', 'Execution provider "coreml" is unavailable: backend went away')
      )
      expect((error as UnclipError).code).toBe('PROVIDER_UNAVAILABLE')
      expect((error as UnclipError).cause).toBe(refusal)
      expect(create).toHaveBeenCalledWith(FIXTURE_ONNX, expect.objectContaining({ executionProviders: ['coreml'] }))
    } finally {
      create.mockRestore()
    }
  })

  it.skipIf(process.platform !== 'linux')(
    "forced dml on Linux is PROVIDER_UNAVAILABLE, carrying onnxruntime's error",
    async () => {
      const error = await createSession(FIXTURE_ONNX, 'dml').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(UnclipError)
      expect((error as UnclipError).code).toBe('PROVIDER_UNAVAILABLE')
      const cause = (error as UnclipError).cause
      expect(cause).toBeInstanceOf(Error)
      expect(cause).not.toBeInstanceOf(UnclipError)
      // The reason is onnxruntime's own wording, which is not ours to pin: one line of it.
      expect((error as UnclipError).message).toMatch(/^Execution provider "dml" is unavailable: \S[^\n]*$/)
    }
  )

  it('automatic selection records why each skipped provider failed', async () => {
    const { session, report } = await createSession(FIXTURE_ONNX)
    expect(report.requested).toEqual(preferredProviders())
    const tried = report.requested.indexOf(report.chosen)
    expect(report.fallbacks.map((f) => f.provider)).toEqual(report.requested.slice(0, tried))
    for (const fallback of report.fallbacks) expect(fallback.reason.length).toBeGreaterThan(10)
    if (report.chosen === 'cpu' && report.requested.includes('webgpu')) {
      // A GPU-less machine: Dawn finds no adapter, in the probe child, without hanging or crashing us.
      expect(report.fallbacks.find((f) => f.provider === 'webgpu')?.reason).toMatch(/adapter|WebGPU/)
    }
    await session.release()
  })
})
