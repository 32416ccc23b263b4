// Opt-in for Linux users with CUDA 12 and cuDNN 9 installed: fetches onnxruntime-node's CUDA
// execution provider libraries, which are too large for the npm registry and skipped by default.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)
const ortDir = path.dirname(require.resolve('onnxruntime-node/package.json'))
const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: process.env.ONNXRUNTIME_NODE_INSTALL ?? 'cuda12' }
const result = spawnSync(process.execPath, [path.join(ortDir, 'script', 'install.js')], {
  stdio: 'inherit',
  env,
  cwd: ortDir
})
process.exit(result.status ?? 1)
