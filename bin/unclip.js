#!/usr/bin/env node
// The CLI is TypeScript run through tsx (a runtime dependency), so there is no build step.
// `tsconfig: false` keeps a tsconfig.json in the user's working directory from changing how our sources compile.
import { register } from 'tsx/esm/api'

register({ tsconfig: false })
const { main } = await import('../src-main/cli/main.ts')
process.exitCode = await main(process.argv.slice(2))
