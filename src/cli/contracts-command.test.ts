import { describe, expect, test } from "bun:test"
import { captureContext } from "./capture-context.fixture.ts"
import { CONTRACTS_HELP, makeContractsCommand, parseContractsArgs } from "./contracts-command.ts"
import { renderHelp } from "./help-text.ts"
import { UsageError } from "./usage-error.ts"

const outcome = (argv: ReadonlyArray<string>): unknown => {
  const parsed = parseContractsArgs(argv)
  return parsed instanceof UsageError ? parsed.line : parsed
}

const deploy = (over: Record<string, unknown> = {}) => ({
  _tag: "Deploy",
  config: "config/local.toml",
  rpc: undefined,
  keyEnv: "GATEWAY_REGISTRY_KEY",
  bound: { intervalBlocks: 10, maxPerBlock: 4 },
  ...over,
})

describe("parseContractsArgs", () => {
  const cases: ReadonlyArray<readonly [ReadonlyArray<string>, unknown]> = [
    [["deploy"], deploy()],
    [["deploy", "--config", "config/paper.toml"], deploy({ config: "config/paper.toml" })],
    [["deploy", "--rpc", "http://10.77.0.30:8545"], deploy({ rpc: "http://10.77.0.30:8545" })],
    [["deploy", "--key-env=DEPLOYER_KEY"], deploy({ keyEnv: "DEPLOYER_KEY" })],
    [["deploy", "--claim-interval", "5", "--claims-per-block", "1"], deploy({ bound: { intervalBlocks: 5, maxPerBlock: 1 } })],
    [["--help"], { _tag: "Help" }],
    [["deploy", "--help"], { _tag: "Help" }],
    [["deploy", "-h", "--bogus"], { _tag: "Help" }],
    [[], "gateway contracts: missing subcommand; type gateway contracts deploy"],
    [["deplyo"], 'gateway contracts: unknown subcommand "deplyo"; did you mean deploy? (see gateway contracts --help)'],
    [["verify"], 'gateway contracts: unknown subcommand "verify"; expected deploy (see gateway contracts --help)'],
    [["deploy", "extra"], 'gateway contracts deploy: unexpected argument "extra"; the node comes from --rpc or the config'],
    [["deploy", "--rpc", "ws://127.0.0.1:8546"], 'gateway contracts deploy: --rpc must be an http:// or https:// URL, e.g. --rpc http://127.0.0.1:8545; found "ws://127.0.0.1:8546"'],
    [["deploy", "--rpc"], "gateway contracts: --rpc needs a value, e.g. --rpc http://127.0.0.1:8545"],
    [
      ["deploy", "--key-env", "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"],
      "gateway contracts deploy: --key-env takes the name of an environment variable, e.g. --key-env DEPLOYER_KEY, not the key itself",
    ],
    [["deploy", "--claim-interval", "0"], 'gateway contracts deploy: --claim-interval must be a whole number from 1 to 4294967295; found "0"'],
    [["deploy", "--claims-per-block", "4294967296"], 'gateway contracts deploy: --claims-per-block must be a whole number from 1 to 4294967295; found "4294967296"'],
    [["deploy", "--claims-per-block", "2.5"], 'gateway contracts deploy: --claims-per-block must be a whole number from 1 to 4294967295; found "2.5"'],
    [["deploy", "--key-evn", "K"], "gateway contracts: unknown flag --key-evn; did you mean --key-env? (see gateway contracts --help)"],
  ]
  test.each(cases)("%p", (argv, expected) => {
    expect(outcome(argv)).toEqual(expected)
  })
})

describe("gateway contracts", () => {
  test("--help prints usage, flags with defaults and examples", async () => {
    const { context, out, err } = captureContext()
    expect(await makeContractsCommand({}).run(["--help"], context)).toBe(0)
    expect(err).toEqual([])
    expect(out).toEqual([...renderHelp(CONTRACTS_HELP)])
    expect(out).toContain("  gateway contracts deploy [--config FILE] [--rpc URL] [--key-env VAR]")
    expect(out.some((line) => line.startsWith("  --key-env VAR "))).toBe(true)
    expect(out.some((line) => line.includes("(default: GATEWAY_REGISTRY_KEY)"))).toBe(true)
  })

  test("a missing config file is reported before the key or the node is touched", async () => {
    const { context, out, err } = captureContext()
    const code = await makeContractsCommand({}).run(["deploy", "--config", "/nonexistent/gateway.toml"], context)
    expect({ code, out, lastLine: err.at(-1)?.startsWith("gateway: ") }).toEqual({ code: 2, out: [], lastLine: true })
  })
})
