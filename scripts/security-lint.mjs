#!/usr/bin/env node
/**
 * Runs Electronegativity (Doyensec's Electron security linter) over what ships — the electron-vite
 * build in out/ (main, preload, renderer HTML) — and fails on any HIGH-severity finding.
 * Usage: electron-vite build && node scripts/security-lint.mjs
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'

const require = createRequire(import.meta.url)
const run = require('@doyensec/electronegativity')

const input = resolve('out')
if (!existsSync(input)) {
  console.error('security-lint: out/ is missing; run `electron-vite build` first.')
  process.exit(2)
}

const { issues, errors } = await run({
  input,
  isSarif: false,
  severitySet: 'informational',
  confidenceSet: 'tentative',
  isRelative: true,
  isVerbose: false,
  electronVersionOverride: '45.0.0',
  parserPlugins: []
})

const line = (issue) =>
  `${issue.severity.name.padEnd(13)} ${issue.confidence.name.padEnd(10)} ${issue.id.padEnd(40)} ${issue.file}:${issue.location.line}`
for (const issue of issues) console.log(line(issue))
for (const error of errors) console.warn(`parse error: ${error.file}: ${error.message ?? error}`)

const high = issues.filter((issue) => issue.severity.name === 'HIGH')
if (high.length > 0) {
  console.error(`\nsecurity-lint: ${high.length} HIGH-severity finding(s):`)
  for (const issue of high) console.error(`  ${line(issue)}\n    ${issue.description}`)
  process.exit(1)
}
console.log(`\nsecurity-lint: ${issues.length} finding(s), none HIGH.`)
