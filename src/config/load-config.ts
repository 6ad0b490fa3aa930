/**
 * Reads a config file from disk and validates it. Every way a config can be
 * unusable, including a missing file, comes back as one `ConfigError` so the
 * CLI has a single error path to print.
 */
import { Result } from "effect"
import { ConfigError } from "./config-error.ts"
import type { GatewayConfig } from "./gateway-config.ts"
import { resolveConfig, type ResolvedConfig } from "./parse-config.ts"

/** The config `gateway` uses when `--config` is not given (relative to the working directory). */
export const DEFAULT_CONFIG_PATH = "config/local.toml"

/** Loads and validates `path`; the error lists every problem in the file. */
export const loadConfig = async (path: string): Promise<Result.Result<GatewayConfig, ConfigError>> =>
  Result.map(await loadResolvedConfig(path), (resolved) => resolved.config)

/** As `loadConfig`, keeping which values are defaults (for `gateway config check --effective`). */
export const loadResolvedConfig = async (path: string): Promise<Result.Result<ResolvedConfig, ConfigError>> => {
  const file = Bun.file(path)
  if (!(await file.exists())) {
    return Result.fail(
      new ConfigError({
        file: path,
        issues: [{ path: "", expected: `a config file (try --config ${DEFAULT_CONFIG_PATH} or config/paper.toml)`, found: "no such file" }],
      }),
    )
  }
  let text: string
  try {
    text = await file.text()
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return Result.fail(new ConfigError({ file: path, issues: [{ path: "", expected: "a readable file", found: reason }] }))
  }
  return resolveConfig(text, path)
}
