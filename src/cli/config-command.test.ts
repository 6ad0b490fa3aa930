import { describe, expect, test } from "bun:test"
import { captureContext } from "./capture-context.fixture.ts"
import { configCommand, makeConfigCommand, parseConfigArgs } from "./config-command.ts"
import { UsageError } from "./usage-error.ts"

const outcome = (argv: ReadonlyArray<string>): unknown => {
  const parsed = parseConfigArgs(argv)
  return parsed instanceof UsageError ? parsed.line : parsed
}

describe("parseConfigArgs", () => {
  const cases: ReadonlyArray<readonly [ReadonlyArray<string>, unknown]> = [
    [["check", "config/paper.toml"], { _tag: "Check", file: "config/paper.toml", effective: false }],
    [["check"], { _tag: "Check", file: "config/local.toml", effective: false }],
    [["check", "--config", "x.toml"], { _tag: "Check", file: "x.toml", effective: false }],
    [["check", "--effective", "x.toml"], { _tag: "Check", file: "x.toml", effective: true }],
    [["check", "x.toml", "--effective"], { _tag: "Check", file: "x.toml", effective: true }],
    [["check", "--effective"], { _tag: "Check", file: "config/local.toml", effective: true }],
    [["check", "--effective=yes"], "gateway config check: --effective takes no value; type --effective alone"],
    [["check", "--efective"], "gateway config check: unknown flag --efective; did you mean --effective? (see gateway config --help)"],
    [["--help"], { _tag: "Help" }],
    [["check", "--help"], { _tag: "Help" }],
    [[], "gateway config: missing subcommand; type gateway config check FILE"],
    [["chek", "x.toml"], 'gateway config: unknown subcommand "chek"; did you mean check? (see gateway config --help)'],
    [["validate"], 'gateway config: unknown subcommand "validate"; expected check (see gateway config --help)'],
    [["check", "a.toml", "b.toml"], 'gateway config check: unexpected argument "b.toml"; check one file at a time'],
    [["check", "a.toml", "--config", "b.toml"], "gateway config check: the file is given twice (FILE and --config); give it once"],
    [["check", "--jsno"], "gateway config check: unknown flag --jsno; known flags: --config, --effective, --help (see gateway config --help)"],
  ]
  test.each(cases)("%p", (argv, expected) => {
    expect(outcome(argv)).toEqual(expected)
  })
})

const root = `${import.meta.dir}/../..`

describe("gateway config check", () => {
  test("prints each host of paper.toml and the Table 1 summary", async () => {
    const { context, out, err } = captureContext()
    const code = await configCommand.run(["check", `${root}/config/paper.toml`], context)
    expect({ code, err }).toEqual({ code: 0, err: [] })
    expect(out.at(-1)).toBe("3 broker/consumer hosts, 5 producer hosts, 1 bitcoin node host")
    const broker = out.find((line) => line.startsWith("broker-1 "))
    expect(broker?.split(/\s{2,}/)).toEqual([
      "broker-1",
      "10.77.0.11",
      "consumer, replica, registry-watcher",
      "partition-consumer-group, notifier, node-throttler(btc-1), replica, replica-http, registry-watcher",
      "kafka-broker, zookeeper, etcd",
    ])
    expect(out.find((line) => line.startsWith("bitcoin-1 "))?.split(/\s{2,}/)).toEqual(["bitcoin-1", "10.77.0.21", "-", "-", "bitcoin-node"])
  })

  test("exits 2 and lists the problems of an invalid file", async () => {
    const path = `${Bun.env.TMPDIR ?? "/tmp"}/gateway-check-test-${process.pid}.toml`
    await Bun.write(path, (await Bun.file(`${root}/config/paper.toml`).text()).replace('name = "broker-2"', 'name = "broker-1"'))
    const { context, out, err } = captureContext()
    const code = await configCommand.run(["check", path], context)
    expect({ code, out, err }).toEqual({
      code: 2,
      out: [],
      err: [
        `${path}: hosts[1].name: expected a host name not used by another host; found "broker-1" again (first at hosts[0].name)`,
        `gateway: ${path} has 1 problem; fix it and run gateway config check ${path} again`,
      ],
    })
  })

  test("passes config/minimal.toml: the brokers, one node and one host", async () => {
    const { context, out, err } = captureContext()
    const code = await configCommand.run(["check", `${root}/config/minimal.toml`], context)
    expect({ code, err }).toEqual({ code: 0, err: [] })
    expect(out.find((line) => line.startsWith("local "))?.split(/\s{2,}/)).toEqual([
      "local",
      "127.0.0.1",
      "producer, consumer",
      "producer, http-intake, partition-consumer-group, notifier, node-throttler(eth-1)",
      "-",
    ])
  })

  test("--effective prints every value with its source and no secret", async () => {
    const secret = "s3cret-api-key-value"
    const { context, out, err } = captureContext()
    const command = makeConfigCommand({ GATEWAY_API_KEYS: secret, GATEWAY_ETH_KEYS: "0xsecret-eth-key" })
    const code = await command.run(["check", "--effective", `${root}/config/minimal.toml`], context)
    expect({ code, err }).toEqual({ code: 0, err: [] })
    expect(out.join("\n")).not.toContain(secret)
    expect(out.join("\n")).not.toContain("0xsecret-eth-key")
    const note = (start: string) => out.find((line) => line.startsWith(start))?.split("  # ")[1]
    expect([
      note("brokers = "),
      note("partitions = "),
      note("api_keys_env = "),
      note("manager_key_env = "),
      note("endpoints = "),
    ]).toEqual([
      "file",
      "default",
      "default; env GATEWAY_API_KEYS is set (value not shown)",
      "default; env GATEWAY_REGISTRY_KEY is not set",
      "default, a stand-in: no host runs the replica role",
    ])
  })
})
