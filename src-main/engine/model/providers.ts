/**
 * Execution providers: which ones to try on this platform, in what order, and opening a session
 * with the first one that works. Every provider that fails is reported with its reason, never
 * swallowed, so "GPU not used" always has an explanation.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { InferenceSession, listSupportedBackends } from 'onnxruntime-node'
import { UnclipError } from '../errors'
import { PROVIDER_NAMES } from '../domain/provider-names'
import type { ProviderName, ProviderReport } from '../types'

const require = createRequire(import.meta.url)
/** A WebGPU probe that has not answered by then is treated as hung. */
const WEBGPU_PROBE_TIMEOUT_MS = 15_000

/** Folder holding onnxruntime-node's native binding and the provider libraries beside it. */
function bindingDir(): string {
  const root = path.dirname(require.resolve('onnxruntime-node/package.json'))
  return path.join(root, 'bin', 'napi-v6', process.platform, process.arch)
}

/**
 * Whether onnxruntime-node's CUDA provider libraries are installed (`npm run cuda:install`); npm
 * installs skip them because of their size.
 * @returns True when `libonnxruntime_providers_cuda.so` sits next to the binding.
 */
export function cudaLibrariesInstalled(): boolean {
  return existsSync(path.join(bindingDir(), 'libonnxruntime_providers_cuda.so'))
}

/**
 * Providers to try, best first, for a platform.
 * @param platform `process.platform` value.
 * @param cudaInstalled Whether CUDA libraries are present (Linux only).
 * @returns Ordered provider names ending in `cpu`.
 */
export function preferredProviders(
  platform: NodeJS.Platform = process.platform,
  cudaInstalled = platform === 'linux' && cudaLibrariesInstalled()
): ProviderName[] {
  if (platform === 'win32') return ['dml', 'cpu']
  if (platform === 'darwin') return ['coreml', 'cpu']
  if (platform === 'linux') return cudaInstalled ? ['cuda', 'webgpu', 'cpu'] : ['webgpu', 'cpu']
  return ['cpu']
}

/**
 * Providers this onnxruntime-node build can use here, from `listSupportedBackends()`; CUDA counts
 * only once its separately installed libraries are present.
 * @returns Provider names in onnxruntime's order.
 */
export function providersAvailable(): ProviderName[] {
  return listSupportedBackends()
    .filter((b) => (PROVIDER_NAMES as readonly string[]).includes(b.name))
    .filter((b) => b.bundled || (b.name === 'cuda' && cudaLibrariesInstalled()))
    .map((b) => b.name as ProviderName)
}

/** Session options shared by every provider. */
const SESSION_OPTIONS: InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', logSeverityLevel: 3 }

/**
 * Opens an inference session with the first provider that works.
 * @param modelPath ONNX file.
 * @param provider Force exactly this provider; otherwise try `preferredProviders()` in order.
 * @returns The session and a report of what was tried.
 * @throws UnclipError `PROVIDER_UNAVAILABLE` when a forced non-CPU provider fails. A CPU failure is
 *   the model's fault, not the provider's, and is rethrown as onnxruntime raised it.
 */
export async function createSession(
  modelPath: string,
  provider?: ProviderName
): Promise<{ session: InferenceSession; report: ProviderReport }> {
  const requested = provider ? [provider] : preferredProviders()
  const fallbacks: ProviderReport['fallbacks'] = []
  for (const candidate of requested) {
    try {
      const session = await openWith(modelPath, candidate)
      return { session, report: { requested, chosen: candidate, fallbacks } }
    } catch (error) {
      if (candidate === 'cpu') throw error
      const reason = firstLine(error)
      if (provider)
        throw new UnclipError('PROVIDER_UNAVAILABLE', `Execution provider "${candidate}" is unavailable: ${reason}`, {
          cause: error
        })
      fallbacks.push({ provider: candidate, reason })
    }
  }
  // preferredProviders() always ends in cpu, whose failure is rethrown above.
  throw new Error('no execution provider was tried')
}

async function openWith(modelPath: string, provider: ProviderName): Promise<InferenceSession> {
  if (provider === 'cuda' && process.platform === 'linux' && !cudaLibrariesInstalled()) {
    throw new Error(
      'onnxruntime CUDA libraries are not installed (libonnxruntime_providers_cuda.so missing; run "npm run cuda:install")'
    )
  }
  if (provider === 'webgpu') {
    const verdict = await probeWebGpu(modelPath)
    if (verdict) throw new Error(verdict)
  }
  return InferenceSession.create(modelPath, { ...SESSION_OPTIONS, executionProviders: [provider] })
}

const webGpuVerdicts = new Map<string, Promise<string | null>>()

/**
 * Tries WebGPU once per model in a child process. Dawn talks to Vulkan/Metal/D3D drivers that can
 * hang or crash the whole process on broken setups; in a child that costs a fallback, not the app.
 * On a GPU-less Linux box it fails in ~0.3 s with "No supported adapters".
 * @returns null when WebGPU created a session and ran the model, else the reason it did not.
 */
function probeWebGpu(modelPath: string): Promise<string | null> {
  let verdict = webGpuVerdicts.get(modelPath)
  if (!verdict) {
    verdict = runProbe(modelPath)
    webGpuVerdicts.set(modelPath, verdict)
  }
  return verdict
}

function runProbe(modelPath: string): Promise<string | null> {
  const ortUrl = pathToFileURL(require.resolve('onnxruntime-node')).href
  const script = `
    const ort = await import(${JSON.stringify(ortUrl)})
    const s = await ort.InferenceSession.create(${JSON.stringify(modelPath)}, { executionProviders: ['webgpu'], logSeverityLevel: 3 })
    const dims = [1, 3, 16, 16]
    await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', new Float32Array(768).fill(0.5), dims) })
    await s.release()`
  return new Promise((resolve) => {
    // ELECTRON_RUN_AS_NODE makes Electron's binary behave as plain Node; Node ignores it.
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'ignore', 'pipe']
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000)
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      resolve(`WebGPU did not answer within ${WEBGPU_PROBE_TIMEOUT_MS / 1000} s`)
    }, WEBGPU_PROBE_TIMEOUT_MS)
    child.on('error', (error) => {
      clearTimeout(timer)
      resolve(`WebGPU probe could not start: ${error.message}`)
    })
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve(null)
      else if (signal) resolve(`WebGPU probe crashed (${signal})`)
      else resolve(probeReason(stderr) ?? `WebGPU probe failed with exit code ${code}`)
    })
  })
}

/** The useful sentence out of the probe's stderr (onnxruntime prefixes it with a source location). */
function probeReason(stderr: string): string | undefined {
  const match = /Failed to get a WebGPU adapter[^\n]*/.exec(stderr) ?? /Error: ([^\n]+)/.exec(stderr)
  return match ? (match[1] ?? match[0]).trim() : undefined
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return (
    message
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? 'unknown error'
  )
}
