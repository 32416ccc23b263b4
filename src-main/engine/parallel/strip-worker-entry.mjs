// Worker entry when the engine runs from its TypeScript sources (CLI, tests, bench): worker
// threads do not inherit the parent's tsx loader, so register it here first. The built app starts
// the bundled strip-worker.js instead.
import { register } from 'tsx/esm/api'

register({ tsconfig: false })
await import('./strip-worker.ts')
