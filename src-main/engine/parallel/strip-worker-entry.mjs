// Worker entry when the engine runs from its TypeScript sources (tests, bench; development only): worker
// threads do not inherit the parent's tsx loader, so register it here first. The built app starts
// the bundled strip-worker.js and the CLI out/cli/strip-worker.js instead (scripts/build-cli.mjs).
import { register } from 'tsx/esm/api'

register({ tsconfig: false })
await import('./strip-worker.ts')
