/**
 * Vitest global setup: compiles the CLI into out/cli/ from the sources under test, so tests that
 * spawn `bin/unclip.js` (test/cli/, the engine host's) run what `npm install` would build now.
 */
import { spawnSync } from 'node:child_process'

export default function setup(): void {
  const built = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { encoding: 'utf8' })
  if (built.status !== 0) throw new Error(`Could not build the CLI:\n${built.stderr}`)
}
