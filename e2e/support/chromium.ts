import { existsSync } from 'node:fs'

/**
 * Debian's Chromium, or CHROMIUM_PATH; CI must have one, elsewhere the browser tests skip with the reason.
 * @returns The executable, or undefined outside CI when none is installed.
 * @throws Error in CI (`CI=true`) when none is found.
 */
export function findChromium(): string | undefined {
  const candidates = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
    (p): p is string => Boolean(p)
  )
  const found = candidates.find((p) => existsSync(p))
  if (!found && process.env['CI'] === 'true')
    throw new Error("e2e: no Chromium found (install Debian's chromium or set CHROMIUM_PATH)")
  return found
}
