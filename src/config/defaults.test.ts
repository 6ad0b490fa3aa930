import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { applyDefaults } from "./apply-defaults.ts"
import { CONFIG_DEFAULTS, DEFAULT_ROWS, NO_DEFAULT } from "./defaults.ts"
import { genericPathOf, isTable, stepsOf } from "./key-path.ts"
import { resolveConfig } from "./parse-config.ts"

const root = `${import.meta.dir}/../..`
const FILE = "config/minimal.toml"
const minimal = await Bun.file(`${root}/config/minimal.toml`).text()
const local = await Bun.file(`${root}/config/local.toml`).text()

const resolved = (text: string) => Result.getOrThrow(resolveConfig(text, FILE))
const linesOf = (text: string): ReadonlyArray<string> => {
  const result = resolveConfig(text, FILE)
  return Result.isFailure(result) ? result.failure.lines() : []
}

/** The value at a table path, taking the first entry of each list of tables. */
const valueAt = (config: unknown, path: string): unknown =>
  stepsOf(path).reduce<unknown>((at, step) => {
    const value = isTable(at) ? at[step.key] : undefined
    return step.list && Array.isArray(value) ? value[0] : value
  }, config)

/** `nodes[].timeout_ms` as the first entry's `nodes[0].timeout_ms`. */
const firstPathOf = (path: string): string => path.replaceAll("[]", "[0]")

/** Every key `value` sets, as table paths (`nodes[].url`). */
const keysOf = (value: unknown, prefix = ""): ReadonlyArray<string> => {
  if (!isTable(value)) return []
  return Object.entries(value).flatMap(([key, inner]) => {
    const path = `${prefix}${key}`
    if (Array.isArray(inner) && inner.some(isTable)) return [...new Set(inner.flatMap((item) => keysOf(item, `${path}[].`)))]
    return isTable(inner) ? keysOf(inner, `${path}.`) : [path]
  })
}

describe("config/minimal.toml: brokers, one node and one host", () => {
  test("is a valid config", () => {
    expect(linesOf(minimal)).toEqual([])
  })

  /** minimal.toml's host without its node list, so that default applies too. */
  const bare = minimal.replace('roles = ["producer", "consumer"]\nnodes = ["eth-1"]', 'roles = ["producer"]')

  test.each(DEFAULT_ROWS.map((row) => [row.path, row.value] as const))("gets the default of %s", (path, value) => {
    const { config, defaulted } = resolved(bare)
    expect(valueAt(config, path)).toEqual(value)
    expect(defaulted.has(firstPathOf(path))).toBe(true)
  })
})

describe("a value in the file overrides its default", () => {
  const cases: ReadonlyArray<{ readonly add: string; readonly path: string; readonly value: unknown }> = [
    { add: "[kafka.topics]\npartitions = 6", path: "kafka.topics.partitions", value: 6 },
    { add: '[intake]\nlisten = "0.0.0.0:8080"', path: "intake.listen", value: "0.0.0.0:8080" },
    { add: "[reads]\nhedge = true", path: "reads.hedge", value: true },
    { add: "[chains.ethereum]\nchain_id = 1", path: "chains.ethereum.chain_id", value: 1 },
    { add: '[registry]\nmanager_key_env = "MY_KEY"', path: "registry.manager_key_env", value: "MY_KEY" },
    { add: "[runtime]\ndrain_timeout_ms = 30000", path: "runtime.drain_timeout_ms", value: 30000 },
  ]
  test.each(cases)("$path", ({ add, path, value }) => {
    const { config, defaulted } = resolved(`${minimal}\n${add}\n`)
    expect(valueAt(config, path)).toEqual(value)
    expect(defaulted.has(path)).toBe(false)
  })

  test("in a [[nodes]] and a [[hosts]] entry, for that entry only", () => {
    const text = minimal
      .replace("max_rps = 500", "max_rps = 500\ntimeout_ms = 2000")
      .replace('roles = ["producer", "consumer"]', 'roles = ["producer", "consumer"]\nservices = ["kafka-broker"]')
    const { config, defaulted } = resolved(text)
    expect([config.nodes[0]?.timeout_ms, config.nodes[0]?.breaker_failures, config.hosts[0]?.services]).toEqual([2000, 5, ["kafka-broker"]])
    expect([defaulted.has("nodes[0].timeout_ms"), defaulted.has("nodes[0].breaker_failures")]).toEqual([false, true])
  })

  test("local.toml sets every key but manager_key_env and the unused linger_ms and mailbox_capacity, so nothing else comes from the defaults", () => {
    expect([...resolved(local).defaulted].sort()).toEqual(["kafka.producer.linger_ms", "registry.manager_key_env", "runtime.mailbox_capacity"])
  })
})

describe("a misspelt key is still an error, never a fallback to the default", () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    [
      "kafka.topics.partitons",
      "[kafka.topics]\npartitons = 6",
      `${FILE}: kafka.topics.partitons: expected one of the keys requests, results, dlq, webhooks, partitions, replication_factor, min_insync_replicas; found an unknown key (did you mean partitions?)`,
    ],
    [
      "reads.cache_mbs",
      "[reads]\ncache_mbs = 32",
      `${FILE}: reads.cache_mbs: expected one of the keys cache_mb, head_poll_ms, head_idle_after_ms, hedge, carry_untouched, max_batch, rate_while_draining; found an unknown key (did you mean cache_mb?)`,
    ],
    [
      "[intak]",
      "[intak]\nlisten = \"0.0.0.0:8080\"",
      `${FILE}: intak: expected one of the keys kafka, intake, etcd, replica, registry, chains, nodes, stack, runtime, reads, status, webhooks, hosts; found an unknown key (did you mean intake?)`,
    ],
  ]
  test.each(cases)("%s", (_name, add, line) => {
    expect(linesOf(`${minimal}\n${add}\n`)).toEqual([line])
  })

  test("in a [[nodes]] entry", () => {
    expect(linesOf(minimal.replace("max_rps = 500", "max_rps = 500\ntimout_ms = 2000"))).toEqual([
      `${FILE}: nodes[0].timout_ms: expected one of the keys name, chain, url, user, password_env, wallet, wallet_passphrase_env, max_in_flight, max_rps, adaptive, timeout_ms, breaker_failures, breaker_reset_ms; found an unknown key (did you mean timeout_ms?)`,
    ])
  })
})

describe("defaults and the rules between keys", () => {
  test("a rule broken by a default says the value is the default", () => {
    expect(linesOf(`${minimal}\n[kafka.topics]\nreplication_factor = 1\n`)).toEqual([
      `${FILE}: kafka.topics.min_insync_replicas: expected at most replication_factor (1), or no write could ever be acknowledged; found 2 (the default; set it in the file)`,
    ])
  })

  test("a value where a table belongs is left for the schema to report", () => {
    expect(linesOf(`stack = "kraft"\n${minimal}`)).toEqual([`${FILE}: stack: expected a [stack] table; found "kraft"`])
  })

  test("applyDefaults leaves the parsed file as it was", () => {
    const raw = Bun.TOML.parse(minimal)
    const before = JSON.stringify(raw)
    applyDefaults(raw)
    expect(JSON.stringify(raw)).toBe(before)
  })
})

describe("the defaults table", () => {
  test("covers every key local.toml sets, or says why the key has no default", () => {
    const unlisted = keysOf(Bun.TOML.parse(local)).filter((path) => !(path in CONFIG_DEFAULTS) && !(path in NO_DEFAULT))
    expect(unlisted).toEqual([])
  })

  test("gives no key both a default and a reason for having none", () => {
    expect(Object.keys(NO_DEFAULT).filter((path) => path in CONFIG_DEFAULTS)).toEqual([])
  })

  test("equals local.toml's values except where local.toml is tuned for the local stack or a demo", () => {
    const config = resolved(local).config
    const differ = DEFAULT_ROWS.filter((row) => JSON.stringify(valueAt(config, row.path)) !== JSON.stringify(row.value)).map((row) => row.path)
    expect(differ).toEqual([
      "etcd.endpoints", // the stand-in is one member; local.toml lists the stack's three
      "chains.bitcoin.change_address_uses", // local.toml trades fresh change addresses for the drain's speed
      "chains.bitcoin.batch_accounts", // local.toml batches a demo "payroll" account
      "chains.ethereum.max_in_flight_per_sender", // anvil has no per-account limit; geth keeps 16
      "status.data_dir", // local.toml keeps the stack's files under .run/
      "hosts[].services", // informational, and local.toml lists the stack's
      "hosts[].nodes", // local.toml's host calls its two nodes
    ])
  })

  test("paths use the same form as concrete key paths", () => {
    expect(genericPathOf("nodes[12].timeout_ms")).toBe("nodes[].timeout_ms")
  })
})
