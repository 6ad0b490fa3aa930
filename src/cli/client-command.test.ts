import { describe, expect, test } from "bun:test"
import { captureContext } from "./capture-context.fixture.ts"
import { parseClaimArgs } from "./client-claim-command.ts"
import { makeClientCommand, parseClientArgs } from "./client-command.ts"
import { parseListArgs } from "./client-list-command.ts"
import { parseLocateArgs } from "./client-locate-command.ts"
import { parseLookupArgs } from "./client-lookup-command.ts"
import { parseSubmitArgs } from "./client-submit-command.ts"
import { UsageError } from "./usage-error.ts"

const outcome = <A>(parse: (argv: ReadonlyArray<string>) => A | UsageError) => (argv: ReadonlyArray<string>): unknown => {
  const parsed = parse(argv)
  return parsed instanceof UsageError ? parsed.line : parsed
}

const target = (over: Record<string, unknown> = {}) => ({ config: undefined, rpcUrl: undefined, registry: undefined, service: undefined, ...over })
const ADDRESS = "0x5fbdb2315678afecb367f032d93f642f64180aa3"

describe("gateway client SUBCOMMAND", () => {
  const client = makeClientCommand({})
  const names = (argv: ReadonlyArray<string>) => {
    const parsed = parseClientArgs(argv, [client])
    return parsed instanceof UsageError ? parsed.line : parsed._tag === "Run" ? [parsed.part.name, parsed.args] : parsed._tag
  }
  const cases: ReadonlyArray<readonly [ReadonlyArray<string>, unknown]> = [
    [["client", "--x"], ["client", ["--x"]]],
    [["--help"], "List"],
    [[], "gateway client: missing subcommand; type gateway client client (see gateway client --help)"],
    [["--rpc-url", "x"], "gateway client: expected a subcommand before --rpc-url; type gateway client client [FLAGS]"],
  ]
  test.each(cases)("%p", (argv, expected) => {
    expect<unknown>(names(argv)).toEqual(expected)
  })

  test("unknown subcommands name the nearest one", async () => {
    const { context, out, err } = captureContext()
    expect(await client.run(["sumbit", "4"], context)).toBe(2)
    expect({ out, err }).toEqual({ out: [], err: ['gateway client: unknown subcommand "sumbit"; did you mean submit? (see gateway client --help)'] })
  })

  test("--help lists the five subcommands", async () => {
    const { context, out } = captureContext()
    expect(await client.run(["--help"], context)).toBe(0)
    for (const name of ["locate", "submit", "lookup", "list", "claim"]) expect(out.some((line) => line.startsWith(`  ${name} `))).toBe(true)
  })
})

describe("parseLocateArgs", () => {
  const cases: ReadonlyArray<readonly [ReadonlyArray<string>, unknown]> = [
    [[], { _tag: "Locate", target: target() }],
    [["--config", "config/paper.toml"], { _tag: "Locate", target: target({ config: "config/paper.toml" }) }],
    [
      ["--rpc-url", "http://127.0.0.1:8545", "--registry", ADDRESS, "--service", "svc"],
      { _tag: "Locate", target: target({ rpcUrl: "http://127.0.0.1:8545", registry: ADDRESS, service: "svc" }) },
    ],
    [["--help"], { _tag: "Help" }],
    [["svc"], 'gateway client locate: unexpected argument "svc"; the service comes from --service or the config'],
    [["--rpc-url", "127.0.0.1:8545"], 'gateway client locate: --rpc-url must be an http:// or https:// URL, e.g. --rpc-url http://127.0.0.1:8545; found "127.0.0.1:8545"'],
    [["--registry", "0x12"], 'gateway client locate: --registry must be a 0x address of 40 hex digits (gateway contracts deploy prints it); found "0x12"'],
    [["--service", "x".repeat(33)], "gateway client locate: --service must be a service id of at most 32 UTF-8 bytes (this one has 33)"],
    [["--servce", "svc"], "gateway client locate: unknown flag --servce; did you mean --service? (see gateway client locate --help)"],
    [["--registry"], "gateway client locate: --registry needs a value, e.g. --registry 0x5fbdb2315678afecb367f032d93f642f64180aa3"],
  ]
  test.each(cases)("%p", (argv, expected) => {
    expect(outcome(parseLocateArgs)(argv)).toEqual(expected)
  })
})

describe("parseSubmitArgs", () => {
  const submit = (over: Record<string, unknown> = {}) => ({
    _tag: "Submit",
    number: 42,
    requestId: undefined,
    retry: true,
    anyReplica: false,
    members: [],
    timeoutMs: 2000,
    deadlineMs: 30000,
    claimAfter: 3,
    keyEnv: { name: "GATEWAY_CLIENT_KEY", explicit: false },
    target: target(),
    ...over,
  })
  const cases: ReadonlyArray<readonly [ReadonlyArray<string>, unknown]> = [
    [["42"], submit()],
    [["42", "--request-id", "order-17"], submit({ requestId: "order-17" })],
    [["--no-retry", "42"], submit({ retry: false })],
    [["--no-retry", "--any-replica", "42"], submit({ retry: false, anyReplica: true })],
    [["42", "--members", "http://10.0.0.11:8090, http://10.0.0.12:8090"], submit({ members: ["http://10.0.0.11:8090", "http://10.0.0.12:8090"] })],
    [["42", "--members", "10.0.0.11:8090"], 'gateway client submit: --members takes the replicas\' locations, comma-separated http:// URLs, e.g. --members http://10.0.0.11:8090,http://10.0.0.12:8090; found "10.0.0.11:8090"'],
    [["-5"], submit({ number: -5 })],
    [["--timeout", "500", "-5"], submit({ number: -5, timeoutMs: 500 })],
    [["--", "-7"], submit({ number: -7 })],
    [["42", "--timeout", "500", "--deadline=9000", "--claim-after", "1"], submit({ timeoutMs: 500, deadlineMs: 9000, claimAfter: 1 })],
    [["42", "--key-env", "GATEWAY_REGISTRY_KEY"], submit({ keyEnv: { name: "GATEWAY_REGISTRY_KEY", explicit: true } })],
    [["42", "--service", "svc", "--registry", ADDRESS], submit({ target: target({ service: "svc", registry: ADDRESS }) })],
    [["42", "--help"], { _tag: "Help" }],
    [[], "gateway client submit: missing the number; type gateway client submit 42"],
    [["4", "2"], 'gateway client submit: unexpected argument "2"; submit one number at a time'],
    [["4.5"], `gateway client submit: the number must be a whole number from -${Number.MAX_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}; found "4.5"`],
    [["12345678901234567890"], `gateway client submit: the number must be a whole number from -${Number.MAX_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}; found "12345678901234567890"`],
    [["42", "--request-id", ""], "gateway client submit: --request-id must not be empty; leave it out for a new UUID"],
    [["42", "--timeout", "0"], 'gateway client submit: --timeout must be a whole number of milliseconds from 1 to 600000, e.g. --timeout 2000; found "0"'],
    [["42", "--claim-after", "0"], 'gateway client submit: --claim-after must be a whole number from 1 to 1000, e.g. --claim-after 3; found "0"'],
    [["42", "--no-retry=yes"], "gateway client submit: --no-retry takes no value; type --no-retry alone"],
    [["42", "--dealine", "9"], "gateway client submit: unknown flag --dealine; did you mean --deadline? (see gateway client submit --help)"],
    [
      ["42", "--key-env", "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"],
      "gateway client submit: --key-env takes the name of an environment variable, e.g. --key-env GATEWAY_REGISTRY_KEY, not the key itself",
    ],
  ]
  test.each(cases)("%p", (argv, expected) => {
    expect(outcome(parseSubmitArgs)(argv)).toEqual(expected)
  })
})

describe("parseLookupArgs", () => {
  test.each([
    [["o-17"], { _tag: "Lookup", requestId: "o-17", target: target(), timeoutMs: 2000 }],
    [["o-17", "--service", "svc"], { _tag: "Lookup", requestId: "o-17", target: target({ service: "svc" }), timeoutMs: 2000 }],
    [[], "gateway client lookup: missing the request id; type gateway client lookup ID, e.g. gateway client lookup o-17"],
    [["a", "b"], 'gateway client lookup: unexpected argument "b"; lookup takes one request id'],
    [["o 17"], expect.stringContaining('gateway client lookup: the request id must be')],
    [["o-17", "--timeout", "0"], expect.stringContaining("--timeout must be a whole number of milliseconds")],
  ] as const)("lookup %p", (argv, expected) => {
    expect(outcome(parseLookupArgs)(argv)).toEqual(expected)
  })
})

describe("parseListArgs and parseClaimArgs", () => {
  test.each([
    [[], { _tag: "List", target: target(), timeoutMs: 2000 }],
    [["--timeout", "100"], { _tag: "List", target: target(), timeoutMs: 100 }],
    [["all"], 'gateway client list: unexpected argument "all"; list takes no arguments, only flags'],
  ] as const)("list %p", (argv, expected) => {
    expect(outcome(parseListArgs)(argv)).toEqual(expected)
  })

  test.each([
    [[], { _tag: "Claim", keyEnv: { name: "GATEWAY_CLIENT_KEY", explicit: false }, target: target() }],
    [["--key-env", "K"], { _tag: "Claim", keyEnv: { name: "K", explicit: true }, target: target() }],
    [["http://a:1"], 'gateway client claim: unexpected argument "http://a:1"; the claim is against the location the registry gives'],
  ] as const)("claim %p", (argv, expected) => {
    expect(outcome(parseClaimArgs)(argv)).toEqual(expected)
  })
})

describe("running without what it needs", () => {
  const run = async (argv: ReadonlyArray<string>, env: Record<string, string> = {}) => {
    const { context, out, err } = captureContext()
    const code = await makeClientCommand(env).run(argv, context)
    return { code, out, err }
  }

  test("claim without a key says which variable to set", async () => {
    expect(await run(["claim"])).toEqual({
      code: 2,
      out: [],
      err: ["gateway client claim: environment variable GATEWAY_CLIENT_KEY is not set; export it with the claimant's 0x private key, or name another variable with --key-env VAR"],
    })
  })

  test("a variable that holds no key is refused without showing it", async () => {
    const result = await run(["submit", "1"], { GATEWAY_CLIENT_KEY: "hunter2" })
    expect(result).toEqual({
      code: 2,
      out: [],
      err: ["gateway client submit: environment variable GATEWAY_CLIENT_KEY does not hold a 0x-prefixed 32-byte hex private key; fix it (its value is not shown)"],
    })
  })

  test("a missing config file is a config error (exit 2)", async () => {
    const result = await run(["locate", "--config", "/nonexistent/gateway.toml"])
    expect({ code: result.code, out: result.out, last: result.err.at(-1)?.startsWith("gateway: ") }).toEqual({ code: 2, out: [], last: true })
  })

  test("the local config has no registry address yet: say how to give one", async () => {
    const result = await run(["locate", "--config", `${import.meta.dir}/../../config/local.toml`])
    expect(result).toEqual({
      code: 2,
      out: [],
      err: [
        `gateway client locate: no registry address: ${import.meta.dir}/../../config/local.toml has an empty [registry].contract_address; pass --registry 0x... or set GATEWAY_REGISTRY_ADDRESS (gateway contracts deploy prints the address)`,
      ],
    })
  })
})
