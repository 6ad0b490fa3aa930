/**
 * TOML text to a validated `GatewayConfig`, without touching the disk, so
 * tests and `loadConfig` share one path: syntax, then the defaults, then the
 * schema, then the cross-field rules, collecting every issue along the way.
 */
import { Result, SchemaParser } from "effect"
import { applyDefaults } from "./apply-defaults.ts"
import { ConfigError } from "./config-error.ts"
import type { ConfigIssue } from "./config-issue.ts"
import { type CheckedSections, crossCheck } from "./cross-checks.ts"
import { type GatewayConfig, GatewayConfigSchema } from "./gateway-config.ts"
import { neededKeyIssues } from "./needed-keys.ts"
import { issuesFromSchema } from "./schema-issues.ts"
import { tomlSyntaxIssue } from "./toml-syntax-issue.ts"

const PARSE_OPTIONS = { errors: "all", onExcessProperty: "error", reportInput: true } as const

/** A valid config and which of its values are defaults (key paths as `nodes[0].timeout_ms`); the rest are from the file. */
export interface ResolvedConfig {
  readonly config: GatewayConfig
  readonly defaulted: ReadonlySet<string>
}

/** Validates `text` as the config file `file` (the name is used only in error lines). */
export const parseConfig = (text: string, file: string): Result.Result<GatewayConfig, ConfigError> =>
  Result.map(resolveConfig(text, file), (resolved) => resolved.config)

/** As `parseConfig`, keeping which values the defaults supplied (for `gateway config check --effective`). */
export const resolveConfig = (text: string, file: string): Result.Result<ResolvedConfig, ConfigError> => {
  let raw: unknown
  try {
    raw = Bun.TOML.parse(text)
  } catch (error) {
    return Result.fail(new ConfigError({ file, issues: [tomlSyntaxIssue(text, error)] }))
  }
  const { filled, defaulted } = applyDefaults(raw)
  const decoded = SchemaParser.decodeUnknownResult(GatewayConfigSchema)(filled, PARSE_OPTIONS)
  const sections = Result.isSuccess(decoded) ? decoded.success : validSections(filled)
  const issues = [
    ...(Result.isFailure(decoded) ? issuesFromSchema(decoded.failure) : []),
    ...crossCheck(sections).map((issue) => markDefault(issue, defaulted)),
    ...neededKeyIssues(raw, sections),
  ]
  if (Result.isSuccess(decoded) && issues.length === 0) return Result.succeed({ config: decoded.success, defaulted })
  return Result.fail(new ConfigError({ file, issues }))
}

/** A rule broken by a value the file never wrote says so, or the operator would hunt for it. */
const markDefault = (issue: ConfigIssue, defaulted: ReadonlySet<string>): ConfigIssue =>
  defaulted.has(issue.path) ? { ...issue, found: `${issue.found} (the default; set it in the file)` } : issue

/** The top-level sections that pass the schema on their own, for the cross-field rules. */
const validSections = (raw: unknown): CheckedSections => {
  const fields = GatewayConfigSchema.fields
  const value = (key: keyof typeof fields): unknown =>
    typeof raw === "object" && raw !== null && key in raw ? Reflect.get(raw, key) : undefined
  const section = <K extends keyof typeof fields>(key: K) =>
    Result.getOrUndefined(SchemaParser.decodeUnknownResult(fields[key])(value(key), PARSE_OPTIONS))
  return {
    kafka: section("kafka"),
    intake: section("intake"),
    etcd: section("etcd"),
    replica: section("replica"),
    registry: section("registry"),
    chains: section("chains"),
    nodes: section("nodes"),
    stack: section("stack"),
    runtime: section("runtime"),
    hosts: section("hosts"),
  }
}
