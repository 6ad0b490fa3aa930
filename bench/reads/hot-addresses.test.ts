import { describe, expect, test } from "bun:test"
import { hotAddresses, seedBalance, transfersTo } from "./hot-addresses.ts"

describe("hot addresses", () => {
  test("fresh, distinct, well-formed", () => {
    const list = hotAddresses(100)
    expect(new Set(list).size).toBe(100)
    for (const a of list) expect(a).toMatch(/^0x4ea0[0-9a-f]{36}$/)
  })

  test("every address gets its own balance, 1 gwei apart", () => {
    expect(seedBalance(0)).toBe(10n ** 18n)
    expect(seedBalance(2) - seedBalance(1)).toBe(10n ** 9n)
  })

  test("transfers go round-robin from the senders to the drawn addresses", () => {
    const draws = [2, 0, 1]
    let i = 0
    const bodies = transfersTo(["0xs1", "0xs2"], ["0xa", "0xb", "0xc"], () => draws[i++ % draws.length] ?? 0, 4)
    expect(bodies).toEqual([
      { chain: "ethereum", method: "transfer", params: { from: "0xs1", to: "0xc", value: "1" } },
      { chain: "ethereum", method: "transfer", params: { from: "0xs2", to: "0xa", value: "1" } },
      { chain: "ethereum", method: "transfer", params: { from: "0xs1", to: "0xb", value: "1" } },
      { chain: "ethereum", method: "transfer", params: { from: "0xs2", to: "0xc", value: "1" } },
    ])
  })
})
