import { describe, expect, test } from "bun:test"
import { parseCancelArgs } from "./cancel-command.ts"
import { resolveIntake } from "./intake-target.ts"
import { parseStatusArgs } from "./status-command.ts"
import { UsageError } from "./usage-error.ts"

describe("gateway status: argv to what is shown", () => {
  test("one request, waiting until confirmed", () => {
    expect(parseStatusArgs(["r-1", "--until", "confirmed", "--timeout", "9000"])).toMatchObject({ _tag: "Request", id: "r-1", wait: "confirmed", waitTimeoutMs: 9000 })
    expect(parseStatusArgs(["r-1"])).toMatchObject({ _tag: "Request", id: "r-1", wait: undefined })
  })

  test("a batch", () => expect(parseStatusArgs(["--batch", "b-1"])).toMatchObject({ _tag: "Batch", batchId: "b-1" }))

  test("a list with every filter; the page size never passes the intake's 1000", () => {
    expect(parseStatusArgs(["--list", "--status", "failed", "--chain", "ethereum", "--sender", "0xabc", "--since", "1764900000000", "--limit", "5000"])).toMatchObject({
      _tag: "List",
      filters: { status: "failed", chain: "ethereum", sender: "0xabc", since: 1764900000000, limit: 1000 },
      limit: 5000,
    })
  })

  const refusals: ReadonlyArray<[string, ReadonlyArray<string>, string]> = [
    ["nothing to show", [], "missing what to show"],
    ["an id and --list", ["r-1", "--list"], "give one of"],
    ["a list filter on one id", ["r-1", "--status", "failed"], "applies to --list only"],
    ["--wait on a list", ["--list", "--wait"], "applies to one request id only"],
    ["an unknown status", ["--list", "--status", "mined"], "--status must be one of"],
    ["an unknown chain", ["--list", "--chain", "solana"], "--chain must be bitcoin or ethereum"],
    ["a zero limit", ["--list", "--limit", "0"], "--limit must be"],
  ]
  for (const [name, argv, expected] of refusals) {
    test(`refuses ${name}`, () => {
      const parsed = parseStatusArgs(argv)
      expect(parsed instanceof UsageError ? parsed.line : "accepted").toContain(expected)
    })
  }
})

describe("which intake and which key", () => {
  const args = { url: undefined, apiKeyEnv: undefined, retryForMs: 1000, json: false }
  test("GATEWAY_URL, then the local default; GATEWAY_API_KEY, then the stack's first key", () => {
    expect(resolveIntake(args, { GATEWAY_API_KEYS: "k1,k2" }, "p")).toEqual({ url: "http://127.0.0.1:8080", apiKey: "k1", retryForMs: 1000 })
    expect(resolveIntake(args, { GATEWAY_URL: "http://h:1", GATEWAY_API_KEY: "mine", GATEWAY_API_KEYS: "k1" }, "p")).toEqual({ url: "http://h:1", apiKey: "mine", retryForMs: 1000 })
  })
  test("a named variable must be set; no key at all says what to export", () => {
    const unset = resolveIntake({ ...args, apiKeyEnv: "PAYROLL_KEY" }, { GATEWAY_API_KEYS: "k1" }, "p")
    expect(unset instanceof UsageError ? unset.line : "").toContain("PAYROLL_KEY is not set")
    const none = resolveIntake(args, {}, "p")
    expect(none instanceof UsageError ? none.line : "").toContain("export GATEWAY_API_KEY")
  })
})

describe("gateway cancel: argv", () => {
  test("an id, waiting", () => {
    expect(parseCancelArgs(["r-1", "--wait", "--timeout", "5000"])).toMatchObject({ _tag: "Cancel", id: "r-1", wait: true, waitTimeoutMs: 5000 })
    const missing = parseCancelArgs([])
    expect(missing instanceof UsageError ? missing.line : "").toContain("missing the request id")
    const stray = parseCancelArgs(["r-1", "--timeout", "10"])
    expect(stray instanceof UsageError ? stray.line : "").toContain("--timeout applies to --wait")
  })
})
