/**
 * Prints one value of a config as the gateway resolves it, defaults filled in, so the
 * shell scripts read the same value the gateway will (a config may leave `[stack]` out):
 *   bun scripts/config-value.ts config/local.toml stack.profile
 * An invalid config prints its problems and exits 1.
 */
import { Result } from "effect"
import { loadConfig } from "../src/config/index.ts"

const [file = "", key = ""] = process.argv.slice(2)
const loaded = await loadConfig(file)
if (Result.isFailure(loaded)) {
  for (const line of loaded.failure.lines()) console.error(line)
  process.exit(1)
}
const value = key
  .split(".")
  .reduce<unknown>((at, step) => (typeof at === "object" && at !== null ? Reflect.get(at, step) : undefined), loaded.success)
if (value === undefined) {
  console.error(`${file}: no key ${key}`)
  process.exit(1)
}
console.log(value)
