import { resolve } from 'node:path'
import { defineConfig, externalizeDepsPlugin } from 'electron-vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      rollupOptions: {
        // The engine worker runs in a utility process (see src-main/engine-host/utility.ts); the
        // strip worker in worker threads of that process (src-main/engine/parallel/strip-pool.ts).
        input: {
          index: resolve('src-main/index.ts'),
          'engine-worker': resolve('src-main/engine-host/worker.ts'),
          'strip-worker': resolve('src-main/engine/parallel/strip-worker.ts')
        }
      }
    }
  },
  preload: {
    plugins: [externalizeDepsPlugin()],
    build: {
      rollupOptions: {
        input: { index: resolve('src-preload/index.ts') },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: resolve('src-renderer'),
    plugins: [svelte()],
    build: {
      rollupOptions: {
        input: { index: resolve('src-renderer/index.html') }
      }
    }
  }
})
