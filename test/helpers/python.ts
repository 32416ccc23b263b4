/**
 * Runs short Python snippets from tests with the system interpreter, which has numpy and OpenCV.
 * Tests call `pythonSkipReason` first and skip, saying why, when Python or a module is missing.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

/** The Debian interpreter; the `python3` first on PATH may be another one without cv2. */
export const PYTHON = '/usr/bin/python3'

export interface PythonOptions {
  /** Extra environment variables, e.g. `{ OPENCV_IO_ENABLE_OPENEXR: '1' }`. */
  env?: Record<string, string>
  /** Command-line arguments, available to the snippet as `sys.argv[1:]`. */
  args?: string[]
  /** Text written to the snippet's stdin. */
  input?: string
  timeoutMs?: number
}

/**
 * Why Python tests cannot run here, or `null` when they can.
 * @param modules Modules that must import, e.g. `['cv2', 'numpy']`.
 * @returns A sentence for the skipped test's title, or `null`.
 */
export function pythonSkipReason(modules: string[] = []): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`
  const result = spawnSync(PYTHON, ['-c', modules.map((m) => `import ${m}`).join('\n') || 'pass'], {
    encoding: 'utf8',
    timeout: 30_000
  })
  if (result.status === 0) return null
  return `${PYTHON} cannot import ${modules.join(', ')}: ${(result.stderr || String(result.error)).trim().split('\n').pop()}`
}

/**
 * Runs a snippet and returns its stdout.
 * @throws Error with the snippet's stderr when it exits non-zero or times out.
 */
export function runPython(script: string, options: PythonOptions = {}): string {
  const result = spawnSync(PYTHON, ['-c', script, ...(options.args ?? [])], {
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
    input: options.input,
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 256 * 1024 * 1024
  })
  if (result.status !== 0) {
    throw new Error(`python exited with ${result.status ?? result.signal}: ${result.stderr || String(result.error)}`)
  }
  return result.stdout
}
