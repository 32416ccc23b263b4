#!/usr/bin/env node
/**
 * Compiles the command line (src-main/cli and the engine it loads) into out/cli/ ahead of time, so
 * `bin/unclip.js` runs plain JavaScript: no TypeScript compiler, and no compile cache on disk, at
 * run time. Runs as `npm install`'s prepare step and before the tests; `npm run build:cli` by hand.
 *
 * out/cli/main.js        the CLI (help and usage errors load nothing else)
 * out/cli/strip-worker.js the strip worker threads' entry, found beside the engine's chunk
 * out/cli/chunk-*.js     code shared by the two, loaded when a command needs the engine
 */
import { rm } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const outdir = `${root}out/cli`

/** Builds out/cli; resolves to false (with a warning) where esbuild is not installed. */
export async function buildCli({ quiet = false } = {}) {
  let esbuild
  try {
    esbuild = await import('esbuild')
  } catch {
    console.warn('unclip: esbuild is not installed (a production install?); the CLI in out/cli/ was not rebuilt.')
    return false
  }
  await rm(outdir, { recursive: true, force: true })
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: { main: 'src-main/cli/main.ts', 'strip-worker': 'src-main/engine/parallel/strip-worker.ts' },
    outdir,
    bundle: true,
    // Chunks keep `--help` from loading onnxruntime and sharp, and put the engine in one file beside
    // strip-worker.js (the engine finds its worker entry next to itself).
    splitting: true,
    chunkNames: 'chunk-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Dependencies (sharp, onnxruntime-node: native addons) load from node_modules as they are.
    packages: 'external',
    tsconfig: 'tsconfig.node.json',
    logLevel: 'warning'
  })
  if (!quiet) console.log('unclip: built the command line into out/cli/')
  return true
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildCli()
}
