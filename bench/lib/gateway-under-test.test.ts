import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { join } from "node:path"
import { parseConfig } from "../../src/config/parse-config.ts"
import {
  deriveConfig,
  metricSum,
  parseMetricsText,
  parseProcStatCpuSeconds,
  parseProcStatus,
  programCommand,
  withCpuProfile,
  runNames,
  startTimeline,
  type TomlTable,
  tomlText,
} from "./gateway-under-test.ts"

const localToml = await Bun.file(join(import.meta.dir, "..", "..", "config", "local.toml")).text()
const local = Bun.TOML.parse(localToml) as TomlTable
const names = runNames("drain-eth", new Date("2025-11-21T15:40:12.345Z"), "k3f9")

describe("runNames", () => {
  test("topics and group share one sortable prefix that Kafka accepts", () => {
    expect(names).toEqual({
      prefix: "bench-drain-eth-20251121t154012z-k3f9",
      requests: "bench-drain-eth-20251121t154012z-k3f9.sendto",
      results: "bench-drain-eth-20251121t154012z-k3f9.results",
      dlq: "bench-drain-eth-20251121t154012z-k3f9.dlq",
    })
  })
})

describe("tomlText", () => {
  test("writes config/local.toml back to the same data", () => {
    expect(Bun.TOML.parse(tomlText(local))).toEqual(local)
  })

  test("quotes odd keys and escapes strings", () => {
    const text = tomlText({ a: { "odd key": 'say "hi"\n', list: [1, 2.5, true], n: -3 }, rows: [{ x: "1" }, { x: "2" }] })
    expect(Bun.TOML.parse(text)).toEqual({ a: { "odd key": 'say "hi"\n', list: [1, 2.5, true], n: -3 }, rows: [{ x: "1" }, { x: "2" }] })
    expect(text).toContain("[[rows]]")
  })
})

describe("deriveConfig", () => {
  const derived = deriveConfig(local, {
    names,
    listen: "127.0.0.1:40123",
    host: "local",
    hostNodes: ["eth-1"],
    nodes: { "eth-1": { max_in_flight: 4, adaptive: false, url: "http://127.0.0.1:9545" } },
    intake: { backlog_breaker: 1_000_000_000 },
    consumer: { transaction_interval_ms: 250, transaction_interval_light_ms: 100, group_id: "not-this-one" },
  })
  const checked = parseConfig(tomlText(derived), "derived.toml")

  test("passes the same check as gateway config check", () => {
    expect(Result.isSuccess(checked) ? "ok" : checked.failure.lines()).toBe("ok")
  })

  test("isolates topics, group and port, and applies node and intake limits", () => {
    if (!Result.isSuccess(checked)) throw new Error("derived config is invalid")
    const c = checked.success
    expect([c.kafka.topics.requests, c.kafka.topics.results, c.kafka.topics.dlq]).toEqual([names.requests, names.results, names.dlq])
    expect(c.kafka.consumer.group_id).toBe(names.prefix)
    expect([c.kafka.consumer.transaction_interval_ms, c.kafka.consumer.transaction_interval_light_ms]).toEqual([250, 100])
    expect(c.intake.listen).toBe("127.0.0.1:40123")
    expect(c.intake.backlog_breaker).toBe(1_000_000_000)
    expect(c.hosts[0]?.nodes).toEqual(["eth-1"])
    const eth = c.nodes.find((n) => n.name === "eth-1")
    expect([eth?.max_in_flight, eth?.adaptive, eth?.url, eth?.max_rps]).toEqual([4, false, "http://127.0.0.1:9545", 5000])
    expect(c.nodes.find((n) => n.name === "btc-1")?.max_in_flight).toBe(1)
  })

  test("leaves the base untouched", () => {
    expect(Bun.TOML.parse(localToml)).toEqual(local)
  })

  test("changes [reads] only when a key is given, over the base's own keys", () => {
    expect(derived.reads).toEqual(local.reads)
    const withReads = deriveConfig({ ...local, reads: { cache_mb: 32, hedge: true } }, { names, listen: "127.0.0.1:1", host: "local", reads: { head_poll_ms: 50, hedge: false } })
    expect(withReads.reads).toEqual({ cache_mb: 32, head_poll_ms: 50, hedge: false })
    expect(deriveConfig(local, { names, listen: "127.0.0.1:1", host: "local", reads: {} }).reads).toEqual(local.reads)
  })

  test("refuses a node or host the config does not have, naming what it has", () => {
    expect(() => deriveConfig(local, { names, listen: "127.0.0.1:1", host: "local", nodes: { "eth-9": { max_rps: 1 } } })).toThrow("its nodes are btc-1, eth-1")
    expect(() => deriveConfig(local, { names, listen: "127.0.0.1:1", host: "nowhere" })).toThrow("no host named nowhere")
  })
})

describe("parseMetricsText", () => {
  const text = [
    "# HELP gateway_node_in_flight Calls to the node in flight now.",
    "# TYPE gateway_node_in_flight gauge",
    'gateway_node_in_flight{chain="ethereum",node="eth-1"} 6',
    'gateway_node_in_flight{chain="bitcoin",node="btc-1"} 1',
    'gateway_consumer_outcomes_total{outcome="retry",partition="3"} 2',
    'gateway_consumer_outcomes_total{outcome="retry",partition="7"} 5',
    'odd{label="a \\"quoted\\" value"} 1.5',
    "gateway_kafka_brokers 3",
  ].join("\n")
  const samples = parseMetricsText(text)

  test("reads names, labels and values, skipping comments", () => {
    expect(samples).toHaveLength(6)
    expect(samples[0]).toEqual({ name: "gateway_node_in_flight", labels: { chain: "ethereum", node: "eth-1" }, value: 6 })
    expect(samples[4]?.labels.label).toBe('a "quoted" value')
    expect(samples[5]).toEqual({ name: "gateway_kafka_brokers", labels: {}, value: 3 })
  })

  test("sums over matching labels", () => {
    expect(metricSum(samples, "gateway_consumer_outcomes_total", { outcome: "retry" })).toBe(7)
    expect(metricSum(samples, "gateway_node_in_flight", { node: "eth-1" })).toBe(6)
    expect(metricSum(samples, "missing")).toBe(0)
  })
})

describe("parseProcStatus", () => {
  test("reads VmRSS and VmHWM in kB", () => {
    expect(parseProcStatus("Name:\tgateway\nVmHWM:\t  98304 kB\nVmRSS:\t   81920 kB\n")).toEqual({ rssKb: 81920, hwmKb: 98304 })
    expect(parseProcStatus("Name:\tzombie\n")).toBeUndefined()
  })
})

describe("parseProcStatCpuSeconds", () => {
  test("adds utime and stime, even when the command name holds spaces and parentheses", () => {
    const text = "4242 (gate way (x)) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 1000 0 0"
    expect(parseProcStatCpuSeconds(text)).toBe(3)
  })
})

describe("startTimeline", () => {
  test("places each line up to gateway.ready after the spawn, naming its actor", () => {
    const spawned = Date.parse("2025-11-21T15:40:00.000Z")
    const lines = [
      { t: "2025-11-21T15:40:00.400Z", event: "gateway.starting" },
      { t: "2025-11-21T15:40:00.900Z", event: "status-view.caught-up", actor: "status-view" },
      { t: "2025-11-21T15:40:01.000Z", event: "gateway.ready" },
      { t: "2025-11-21T15:40:09.000Z", event: "later" },
    ]
    expect(startTimeline(lines, spawned)).toEqual([["gateway.starting", 400], ["status-view.caught-up (status-view)", 900], ["gateway.ready", 1000]])
  })
})

describe("programCommand", () => {
  test.each([
    ["/usr/local/bin/bun", "/work/main/src/main.ts", ["/usr/local/bin/bun", "/src/main.ts"]],
    ["/work/main/node_modules/.bin/bun", "/work/main/src/main.ts", ["/work/main/node_modules/.bin/bun", "/src/main.ts"]],
    ["/work/main/dist/gateway", "/$bunfs/root/gateway", ["/work/main/dist/gateway"]],
    ["/opt/gateway", "/opt/main.ts", ["/opt/gateway"]],
  ])("%s running %s", (execPath, main, expected) => {
    expect(programCommand(execPath, main, "/src/main.ts")).toEqual(expected)
  })
})

describe("withCpuProfile", () => {
  test("puts Bun's profiler flags before the script when a folder is given", () => {
    expect(withCpuProfile(["/usr/local/bin/bun", "/src/main.ts"], "/tmp/prof")).toEqual([
      "/usr/local/bin/bun", "--cpu-prof", "--cpu-prof-md", "--cpu-prof-dir=/tmp/prof", "/src/main.ts",
    ])
  })
  test("leaves the command alone without a folder, or for a compiled binary", () => {
    expect(withCpuProfile(["/usr/local/bin/bun", "/src/main.ts"], undefined)).toEqual(["/usr/local/bin/bun", "/src/main.ts"])
    expect(withCpuProfile(["/usr/local/bin/bun", "/src/main.ts"], "")).toEqual(["/usr/local/bin/bun", "/src/main.ts"])
    expect(withCpuProfile(["/work/main/dist/gateway"], "/tmp/prof")).toEqual(["/work/main/dist/gateway"])
  })
})
