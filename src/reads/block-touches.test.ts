import { describe, expect, test } from "bun:test"
import { accountsTouchedBy } from "./block-touches.ts"

const a = (n: number) => `0x${n.toString(16).padStart(40, "0")}`
const transfer = (from: number, to: number, type = "0x2") => ({ from: a(from), to: a(to), type, input: "0x" })
const block = (txs: readonly unknown[], extra: Record<string, unknown> = {}) => ({
  gasUsed: `0x${(21_000 * txs.length).toString(16)}`,
  miner: a(0xc0),
  uncles: [],
  transactions: txs,
  ...extra,
})

describe("accounts a block touched", () => {
  test("a block of plain transfers touched its senders, recipients, fee recipient and withdrawals", () => {
    const touched = accountsTouchedBy(block([transfer(1, 2), transfer(3, 2, "0x0")], { withdrawals: [{ address: a(9), amount: "0x1" }] }))
    expect(touched && [...touched].sort()).toEqual([a(1), a(2), a(3), a(9), a(0xc0)].sort())
  })

  test("an empty block touched only its fee recipient", () => {
    expect(accountsTouchedBy(block([]))).toEqual(new Set([a(0xc0)]))
  })

  test("gas used beyond 21,000 a transaction means code ran, calldata or an access list: anything may have changed", () => {
    expect(accountsTouchedBy({ ...block([transfer(1, 2)]), gasUsed: "0x5208" })).toBeDefined()
    expect(accountsTouchedBy({ ...block([transfer(1, 2)]), gasUsed: "0x5218" })).toBeUndefined()
  })

  test("a creation, a set-code transaction, another type, uncles or hashes only: nothing can be told", () => {
    expect(accountsTouchedBy(block([{ from: a(1), to: null, type: "0x2" }]))).toBeUndefined()
    expect(accountsTouchedBy(block([transfer(1, 2, "0x4")]))).toBeUndefined()
    expect(accountsTouchedBy(block([transfer(1, 2, "0x7e")]))).toBeUndefined()
    expect(accountsTouchedBy(block([transfer(1, 2)], { uncles: ["0xab"] }))).toBeUndefined()
    expect(accountsTouchedBy(block([`0x${"ab".repeat(32)}`]))).toBeUndefined()
    expect(accountsTouchedBy({ transactions: [] })).toBeUndefined()
    expect(accountsTouchedBy(null)).toBeUndefined()
  })
})
