import { describe, expect, test } from "bun:test"
import { CLIENT_DEFAULTS, checkClientOptions, type FailoverClientOptions, InvalidClientOptions, isHttpUrl } from "./client-options.ts"

const good: FailoverClientOptions = {
  rpcUrl: "http://127.0.0.1:8545",
  registryAddress: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  serviceId: "registry-dashboard",
}

describe("checkClientOptions", () => {
  test("fills in every default and keeps what was given", () => {
    const resolved = checkClientOptions({ ...good, retry: false, members: ["http://10.77.1.12:8090"] })
    expect(resolved).not.toBeInstanceOf(InvalidClientOptions)
    expect(resolved).toEqual({ ...CLIENT_DEFAULTS, ...good, retry: false, members: ["http://10.77.1.12:8090"], claimKey: undefined })
  })

  // Each row: the options changed from `good`, the field refused, and words the expectation must hold.
  const refused: readonly (readonly [string, Partial<FailoverClientOptions>, string, string])[] = [
    ["an RPC address without a scheme", { rpcUrl: "127.0.0.1:8545" }, "rpcUrl", "http://"],
    ["a registry address one digit short", { registryAddress: "0x5FbDB2315678afecb367f032d93F642f64180aa" }, "registryAddress", "40 hex digits"],
    ["an empty service id", { serviceId: "" }, "serviceId", "non-empty"],
    ["a zero attempt timeout", { requestTimeoutMs: 0 }, "requestTimeoutMs", "at least 1"],
    ["a fractional deadline", { deadlineMs: 1.5 }, "deadlineMs", "whole number"],
    ["no claims after failures", { claimAfterFailures: 0 }, "claimAfterFailures", "at least 1"],
    ["a chain id of zero", { chainId: 0 }, "chainId", "at least 1"],
    ["a zero poll interval", { pollIntervalMs: 0 }, "pollIntervalMs", "at least 1"],
    ["a zero claim timeout", { claimTimeoutMs: 0 }, "claimTimeoutMs", "at least 1"],
    ["a zero hedge delay", { hedgeAfterMs: 0 }, "hedgeAfterMs", "at least 1"],
    ["negative confirmations", { confirmations: -1 }, "confirmations", "at least 0"],
    ["a fractional redirect count", { maxRedirects: 0.5 }, "maxRedirects", "at least 0"],
    ["a member without a scheme", { members: ["http://10.77.1.11:8090", "10.77.1.12:8090"] }, "members", "URL of a replica"],
    ["a claim key that is an address", { claimKey: "0x5FbDB2315678afecb367f032d93F642f64180aa3" }, "claimKey", "32-byte"],
  ]
  test.each(refused)("refuses %s", (_, change, field, words) => {
    const checked = checkClientOptions({ ...good, ...change })
    expect(checked).toBeInstanceOf(InvalidClientOptions)
    const error = checked as InvalidClientOptions
    expect(error.field).toBe(field)
    expect(error.message).toContain(`failover client option ${field}: expected`)
    expect(error.message).toContain(words)
  })

  test("never shows a refused claim key", () => {
    const key = `0x${"ab".repeat(31)}`
    const checked = checkClientOptions({ ...good, claimKey: key })
    expect((checked as InvalidClientOptions).message).not.toContain(key)
  })

  test("accepts zero confirmations and zero redirects, and a well-formed claim key", () => {
    expect(checkClientOptions({ ...good, confirmations: 0, maxRedirects: 0, claimKey: `0x${"ab".repeat(32)}` })).not.toBeInstanceOf(InvalidClientOptions)
  })
})

describe("isHttpUrl", () => {
  test.each([
    ["http://127.0.0.1:8545", true],
    ["https://node.example/rpc", true],
    ["127.0.0.1:8545", false],
    ["ws://127.0.0.1:8546", false],
    ["http://", false],
    ["http://a b", false],
  ] as const)("%s → %p", (text, expected) => {
    expect(isHttpUrl(text)).toBe(expected)
  })
})
