import { describe, expect, test } from "bun:test"
import { batchProgress, parseSendArgs, progressBar } from "./send-command.ts"
import { UsageError } from "./usage-error.ts"

const from = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
const to = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720"

describe("gateway send: argv to what is sent", () => {
  const sends: ReadonlyArray<[string, ReadonlyArray<string>, unknown]> = [
    ["an ether transfer", ["ethereum", "transfer", "--from", from, "--to", to, "--value", "1000"], { chain: "ethereum", method: "transfer", params: { from, to, value: "1000" } }],
    ["a contract call with two args", ["ethereum", "call", "--from", from, "--to", to, "--abi", "function transfer(address to, uint256 amount)", "--arg", to, "--arg", "5"], { chain: "ethereum", method: "call", params: { from, to, abi: "function transfer(address to, uint256 amount)", args: [to, "5"] } }],
    ["a raw transaction", ["ethereum", "raw", "--tx", "0x02f8"], { chain: "ethereum", method: "raw", params: { tx: "0x02f8" } }],
    ["sendfrom with minconf", ["bitcoin", "sendfrom", "--account", "payroll", "--address", "sb1qx", "--amount", "0.015", "--minconf", "1"], { chain: "bitcoin", method: "sendfrom", params: { account: "payroll", address: "sb1qx", amount: "0.015", minconf: 1 } }],
    ["sendmany with two outputs", ["bitcoin", "sendmany", "--account", "payroll", "--pay", "sb1qa=0.5", "--pay", "sb1qb=0.25"], { chain: "bitcoin", method: "sendmany", params: { account: "payroll", amounts: { sb1qa: "0.5", sb1qb: "0.25" } } }],
  ]
  for (const [name, argv, body] of sends) {
    test(name, () => {
      const parsed = parseSendArgs(argv)
      expect(parsed instanceof UsageError ? parsed.line : parsed._tag === "Send" && parsed.source._tag === "Body" ? parsed.source.body : parsed).toEqual(body as never)
    })
  }

  test("--wait waits for final, --until for a status, with the key and the intake flags", () => {
    const parsed = parseSendArgs(["--file", "a.json", "--idempotency-key", "payroll-42", "--until", "submitted", "--timeout", "5000", "--url", "http://10.0.0.5:8080", "--json"])
    expect(parsed).toMatchObject({ _tag: "Send", source: { _tag: "File", path: "a.json" }, idempotencyKey: "payroll-42", wait: "submitted", waitTimeoutMs: 5000, intake: { url: "http://10.0.0.5:8080", json: true } })
    expect(parseSendArgs(["ethereum", "raw", "--tx", "0x1", "--wait"])).toMatchObject({ wait: "final" })
  })

  const refusals: ReadonlyArray<[string, ReadonlyArray<string>, string]> = [
    ["nothing to send", [], "missing what to send"],
    ["an unknown chain", ["solana", "transfer"], 'unknown chain "solana"'],
    ["an unknown method", ["ethereum", "approve"], "expected one of transfer, call, raw"],
    ["a missing parameter", ["ethereum", "transfer", "--from", from, "--to", to], "needs --value"],
    ["a flag of another method", ["ethereum", "transfer", "--from", from, "--to", to, "--value", "1", "--amount", "1"], "--amount does not apply to ethereum transfer"],
    ["a --pay without =", ["bitcoin", "sendmany", "--account", "a", "--pay", "sb1qa"], "--pay takes ADDRESS=BTC"],
    ["one address paid twice", ["bitcoin", "sendmany", "--account", "a", "--pay", "x=1", "--pay", "x=2"], "names x twice"],
    ["--file and a method", ["--file", "a.json", "ethereum", "raw"], "either --file or CHAIN METHOD"],
    ["--file and a parameter", ["--file", "a.json", "--value", "1"], "cannot be used with --file"],
    ["a bad --until", ["ethereum", "raw", "--tx", "0x1", "--until", "mined"], "--until must be one of"],
    ["--timeout without waiting", ["ethereum", "raw", "--tx", "0x1", "--timeout", "100"], "applies to --wait or --until"],
    ["an API key where its variable's name goes", ["ethereum", "raw", "--tx", "0x1", "--api-key-env", "local-dev-key"], "not the key itself"],
    ["a URL without a scheme", ["ethereum", "raw", "--tx", "0x1", "--url", "127.0.0.1:8080"], "--url must be"],
    ["a non-ASCII key", ["ethereum", "raw", "--tx", "0x1", "--idempotency-key", "clé"], "printable ASCII"],
  ]
  for (const [name, argv, expected] of refusals) {
    test(`refuses ${name}`, () => {
      const parsed = parseSendArgs(argv)
      expect(parsed instanceof UsageError ? parsed.line : "accepted").toContain(expected)
    })
  }
})

describe("gateway send --file --wait: a batch followed by its counts", () => {
  test("progress towards each wait, and the bar", () => {
    const counts = { accepted: 2, signed: 1, submitted: 3, confirmed: 10, failed: 1, dlq: 0, cancelled: 1 }
    expect(batchProgress(counts, "final")).toEqual({ reached: 12, ended: 12, bad: 2 })
    expect(batchProgress(counts, "confirmed")).toEqual({ reached: 10, ended: 12, bad: 2 })
    expect(batchProgress(counts, "submitted")).toEqual({ reached: 13, ended: 12, bad: 2 })
    expect(batchProgress(counts, "signed")).toEqual({ reached: 14, ended: 12, bad: 2 })
    expect(progressBar(5, 10, 10)).toBe("[#####.....]  5/10")
    expect(progressBar(0, 0, 4)).toBe("[####] 0/0")
  })
})
