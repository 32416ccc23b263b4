import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // Compiles the renderer's rune-based stores (`*.svelte.ts`) so they can be unit-tested.
  plugins: [svelte()],
  test: {
    include: ['src-main/**/*.test.ts', 'test/**/*.test.ts', 'src-renderer/**/*.test.ts', 'e2e/**/*.e2e.ts'],
    // Tests spawn the compiled CLI (bin/unclip.js runs out/cli/), built here from the current sources.
    globalSetup: ['test/build-cli.setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The machine has two cores; onnxruntime and sharp already use both.
    maxWorkers: 2,
    pool: 'forks'
  }
})
