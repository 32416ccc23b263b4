/** Runs the real `bin/unclip.js` in a child process, as a user's shell would. */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const BIN = fileURLToPath(new URL('../../bin/unclip.js', import.meta.url))
export const FIXTURE_MODELS = fileURLToPath(new URL('../fixtures/models', import.meta.url))
/** The flags that select the committed fixture model instead of the (not yet trained) product model. */
export const FIXTURE_FLAGS = ['--models-dir', FIXTURE_MODELS, '--model', 'unclip-fixture']

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Starts `unclip <args>` in `cwd`; stdout and stderr are piped (so not a TTY) and read as UTF-8. */
export function startCli(args: string[], cwd: string): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, [BIN, ...args], { cwd })
  child.stdout.setEncoding('utf8')
  child.stderr.setEncoding('utf8')
  return child
}

/** Waits for a started CLI to exit and collects its output. */
export function finished(child: ChildProcessWithoutNullStreams): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: string) => (stdout += chunk))
  child.stderr.on('data', (chunk: string) => (stderr += chunk))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** Runs `unclip <args>` in `cwd` to completion. */
export function runCli(args: string[], cwd: string): Promise<CliRun> {
  return finished(startCli(args, cwd))
}

/** Parses `--json` output: every line must be one JSON object. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

/**
 * How to run the CLI so that file permissions bind it: as root they do not, so root runs it with
 * the permission-override capabilities dropped (util-linux `setpriv`). Undefined (with the reason)
 * where neither works.
 */
export function unprivileged(): { command: string[] } | { skip: string } {
  if (process.getuid?.() !== 0) return { command: [process.execPath, BIN] }
  const drop = ['/usr/bin/setpriv', '--bounding-set=-dac_override,-dac_read_search']
  // The probe must really be refused a file it has no permission for: a container can keep the
  // capability in ways the bounding set does not reach, and then the tests would fail, not skip.
  const dir = mkdtempSync(join(tmpdir(), 'unclip-probe-'))
  try {
    const locked = join(dir, 'locked')
    writeFileSync(locked, 'secret', { mode: 0o000 })
    const probe = spawnSync(drop[0], [...drop.slice(1), 'cat', locked])
    if (probe.error || probe.status === 0)
      return { skip: 'running as root and cannot drop the permission override with setpriv here' }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return { command: [...drop, process.execPath, BIN] }
}

/** Starts `unclip <args>` through `command` (from `unprivileged`). */
export function startCliWith(command: string[], args: string[], cwd: string): ChildProcessWithoutNullStreams {
  const child = spawn(command[0], [...command.slice(1), ...args], { cwd })
  child.stdout.setEncoding('utf8')
  child.stderr.setEncoding('utf8')
  return child
}
