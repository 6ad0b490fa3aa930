/**
 * Debian's chromium, headless and driven by playwright-core, for the tests of the pages
 * the gateway serves (the dashboard and the operations page). `npm test` installs it
 * (scripts/install chromium); GATEWAY_CHROMIUM points elsewhere.
 */
import { existsSync } from "node:fs"
import { type Browser, chromium } from "playwright-core"

/** The browser the page tests drive. */
export const CHROMIUM = process.env.GATEWAY_CHROMIUM ?? "/usr/bin/chromium"
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]

/** Launches headless chromium; says how to install it when it is missing. */
export const launchChromium = (): Promise<Browser> => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`bash scripts/install chromium\` (npm test does)`)
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
}
