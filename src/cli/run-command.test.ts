import { describe, expect, test } from "bun:test"
import { captureContext } from "./capture-context.fixture.ts"
import { type LaunchOptions, makeRunCommand, parseRunArgs } from "./run-command.ts"
import { UsageError } from "./usage-error.ts"

const outcome = (argv: ReadonlyArray<string>): unknown => {
  const parsed = parseRunArgs(argv)
  return parsed instanceof UsageError ? parsed.line : parsed
}

const ROLE_LIST = "producer, consumer, replica, registry-watcher"

describe("parseRunArgs", () => {
  const cases: ReadonlyArray<readonly [ReadonlyArray<string>, unknown]> = [
    [[], { _tag: "Run", options: { configPath: "config/local.toml" } }],
    [
      ["--config", "config/paper.toml", "--host", "broker-1"],
      { _tag: "Run", options: { configPath: "config/paper.toml", host: "broker-1" } },
    ],
    [["--role", "consumer"], { _tag: "Run", options: { configPath: "config/local.toml", roles: ["consumer"] } }],
    [
      ["--role", "replica,consumer", "--role=replica,producer"],
      { _tag: "Run", options: { configPath: "config/local.toml", roles: ["replica", "consumer", "producer"] } },
    ],
    [["--role", " consumer , replica "], { _tag: "Run", options: { configPath: "config/local.toml", roles: ["consumer", "replica"] } }],
    [["--host=producer-3", "--help"], { _tag: "Help" }],
    [["-h"], { _tag: "Help" }],
    [["--hots", "broker-1"], "gateway: unknown flag --hots; did you mean --host? (see gateway --help)"],
    [["--rol", "consumer"], "gateway: unknown flag --rol; did you mean --role? (see gateway --help)"],
    [["--role", "consumr"], `gateway: --role: unknown role "consumr"; expected ${ROLE_LIST}`],
    [["--role", "consumer,brokr"], `gateway: --role: unknown role "brokr"; expected ${ROLE_LIST}`],
    [["--role", ","], `gateway: --role: expected a comma-separated list of ${ROLE_LIST}; found nothing`],
    [["--host"], "gateway: --host needs a value, e.g. --host broker-1"],
    [["--host", "a", "--host", "b"], "gateway: --host is given twice; give it once"],
    [
      ["broker-1"],
      'gateway: unexpected argument "broker-1"; run takes only flags; to pick a host, type gateway --host broker-1 (see gateway --help)',
    ],
  ]
  test.each(cases)("%p", (argv, expected) => {
    expect(outcome(argv)).toEqual(expected)
  })
})

const root = `${import.meta.dir}/../..`
const LOCAL = `${root}/config/local.toml`
const PAPER = `${root}/config/paper.toml`

/** Runs the command with a launcher that records what it was given instead of starting Kafka. */
const runWith = async (argv: ReadonlyArray<string>, machineName = "test-machine") => {
  const launched: Array<Omit<LaunchOptions, "config">> = []
  const { context, out, err } = captureContext(machineName)
  const command = makeRunCommand(async ({ configPath, host, roles }) => {
    launched.push({ configPath, host, roles })
    return 0
  })
  const code = await command.run(argv, context)
  return { code, launched, out, err }
}

describe("gateway run", () => {
  test("runs every role of the only host by default", async () => {
    const result = await runWith(["--config", LOCAL])
    expect(result.launched).toEqual([{ configPath: LOCAL, host: "local", roles: ["producer", "consumer", "replica", "registry-watcher"] }])
  })

  test("--role replaces the host's roles, in start order", async () => {
    const result = await runWith(["--config", LOCAL, "--role", "registry-watcher,consumer"])
    expect(result.launched).toEqual([{ configPath: LOCAL, host: "local", roles: ["consumer", "registry-watcher"] }])
  })

  test("picks the host named like the machine", async () => {
    const result = await runWith(["--config", PAPER], "producer-4.lab")
    expect(result.launched).toEqual([{ configPath: PAPER, host: "producer-4", roles: ["producer"] }])
  })

  const refusals: ReadonlyArray<readonly [string, ReadonlyArray<string>, string]> = [
    [
      "no host chosen",
      ["--config", PAPER],
      `gateway: ${PAPER}: this machine (test-machine) matches none of the 9 hosts; pass --host NAME with one of: broker-1, broker-2, broker-3, producer-1, producer-2, producer-3, producer-4, producer-5, bitcoin-1`,
    ],
    [
      "a host with no roles",
      ["--config", PAPER, "--host", "bitcoin-1"],
      `gateway: host bitcoin-1 runs no gateway roles in ${PAPER} (it carries bitcoin-node); pass --host with one of broker-1, broker-2, broker-3, producer-1, producer-2, producer-3, producer-4, producer-5, or --role ROLES to run roles here`,
    ],
    [
      "a consumer where no node is listed",
      ["--config", PAPER, "--host", "producer-1", "--role", "consumer"],
      `gateway: ${PAPER}: host producer-1 lists no nodes, so the consumer role would have nothing to call; add nodes = ["..."] to its [[hosts]] entry or choose a host that has them`,
    ],
    [
      "a missing config file",
      ["--config", "nope.toml"],
      "gateway: nope.toml has 1 problem; fix it and run gateway config check nope.toml again",
    ],
  ]
  test.each(refusals)("refuses %s with exit 2 before launching", async (_name, argv, lastLine) => {
    const result = await runWith(argv)
    expect({ code: result.code, launched: result.launched, last: result.err.at(-1) }).toEqual({ code: 2, launched: [], last: lastLine })
  })

  test("an invalid config prints every issue and does not launch", async () => {
    const path = `${Bun.env.TMPDIR ?? "/tmp"}/gateway-run-test-${process.pid}.toml`
    const text = (await Bun.file(LOCAL).text()).replace("partitions = 12", "partitions = 0").replace('roles = ["producer"', 'roles = ["producr"')
    await Bun.write(path, text)
    const result = await runWith(["--config", path])
    expect({ code: result.code, launched: result.launched, err: result.err }).toEqual({
      code: 2,
      launched: [],
      err: [
        `${path}: kafka.topics.partitions: expected an integer >= 1; found 0`,
        `${path}: hosts[0].roles[0]: expected one of producer, consumer, replica, registry-watcher; found "producr"`,
        `gateway: ${path} has 2 problems; fix them and run gateway config check ${path} again`,
      ],
    })
  })
})
