// Runs after `npm install`. Electron's own download step is disabled (allowScripts) because it
// fails the whole install when offline; here we try it ourselves and only warn on failure, so the
// engine, CLI and tests stay usable on machines that cannot reach Electron's download host.
import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)
let electronDir
try {
  electronDir = path.dirname(require.resolve('electron/package.json'))
} catch {
  process.exit(0) // production install without devDependencies: nothing to do
}
if (existsSync(path.join(electronDir, 'path.txt'))) process.exit(0)
if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  console.log(
    'unclip: ELECTRON_SKIP_BINARY_DOWNLOAD is set; the desktop app will not start until `npm run electron:fetch`.'
  )
  process.exit(0)
}
const result = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], { stdio: 'pipe', encoding: 'utf8' })
if (result.status === 0) {
  console.log('unclip: Electron binary installed.')
} else {
  const reason = (result.stderr || result.stdout || '').split('\n').find((l) => l.trim()) ?? 'unknown error'
  console.warn(`unclip: could not download the Electron binary (${reason.trim()}).`)
  console.warn(
    'unclip: the CLI (`npx unclip`) and the tests work without it; run `npm run electron:fetch` when online to get the desktop app.'
  )
}
