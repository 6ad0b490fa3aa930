/**
 * TOML text to a validated `GatewayConfig`, without touching the disk, so
 * tests and `loadConfig` share one path: syntax, then schema, then the
 * cross-field rules, collecting every issue along the way.
 */
import { Result, SchemaParser } from "effect"
import { ConfigError } from "./config-error.ts"
import { type CheckedSections, crossCheck } from "./cross-checks.ts"
import { type GatewayConfig, GatewayConfigSchema } from "./gateway-config.ts"
import { issuesFromSchema } from "./schema-issues.ts"
import { tomlSyntaxIssue } from "./toml-syntax-issue.ts"

const PARSE_OPTIONS = { errors: "all", onExcessProperty: "error", reportInput: true } as const

/** Validates `text` as the config file `file` (the name is used only in error lines). */
export const parseConfig = (text: string, file: string): Result.Result<GatewayConfig, ConfigError> => {
  let raw: unknown
  try {
    raw = Bun.TOML.parse(text)
  } catch (error) {
    return Result.fail(new ConfigError({ file, issues: [tomlSyntaxIssue(text, error)] }))
  }
  const decoded = SchemaParser.decodeUnknownResult(GatewayConfigSchema)(raw, PARSE_OPTIONS)
  if (Result.isSuccess(decoded)) {
    const issues = crossCheck(decoded.success)
    return issues.length === 0 ? Result.succeed(decoded.success) : Result.fail(new ConfigError({ file, issues }))
  }
  const issues = [...issuesFromSchema(decoded.failure), ...crossCheck(validSections(raw))]
  return Result.fail(new ConfigError({ file, issues }))
}

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
