#!/usr/bin/env node
// Runs the CLI compiled ahead of time into out/cli/ (scripts/build-cli.mjs, run by `npm install`
// and `npm ci` as the prepare step): plain JavaScript, nothing compiled or cached at run time.
import { existsSync } from 'node:fs'

const entry = new URL('../out/cli/main.js', import.meta.url)
if (!existsSync(entry)) {
  process.stderr.write('unclip: the command line is not built; run `npm run build:cli` (npm install does it too).\n')
  process.exit(1)
}
const { main } = await import(entry.href)
process.exitCode = await main(process.argv.slice(2))
