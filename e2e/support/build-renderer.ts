import { svelte } from '@sveltejs/vite-plugin-svelte'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { build, type Rollup } from 'vite'

const ROOT = resolve(import.meta.dirname, '../..')

/**
 * Builds the renderer as electron-vite's renderer section does (same root, plugin and relative
 * base), into `outDir`, so the e2e loads the real bundle and the real index.html with its CSP.
 */
export async function buildRenderer(outDir: string): Promise<void> {
  const html = resolve(ROOT, 'src-renderer/index.html')
  if (!existsSync(html)) throw new Error(`The renderer has no entry page at ${html}; the shell owns it.`)
  await build({
    configFile: false,
    root: resolve(ROOT, 'src-renderer'),
    base: './',
    logLevel: 'warn',
    plugins: [svelte()],
    build: { outDir, emptyOutDir: true, rollupOptions: { input: { index: html } } }
  })
}

/** Bundles `page-bridge.ts` into one classic script for `page.addInitScript`. */
export async function bundlePageBridge(): Promise<string> {
  const output = (await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      write: false,
      minify: false,
      lib: { entry: resolve(import.meta.dirname, 'page-bridge.ts'), formats: ['iife'], name: 'unclipBridge' }
    }
  })) as Rollup.RollupOutput | Rollup.RollupOutput[]
  const chunk = (Array.isArray(output) ? output[0] : output).output[0]
  return chunk.code
}
