import { describe, expect, test } from "bun:test"
import { tallyBlock } from "./chain-payments.ts"

const a = "0x00000000000000000000000000000000000000aa"
const b = "0x00000000000000000000000000000000000000bb"
const other = "0x00000000000000000000000000000000000000cc"

describe("tallyBlock", () => {
  test("counts the senders' transfers to others and to themselves, whatever the case of the addresses", () => {
    const block = {
      transactions: [
        { from: a.toUpperCase().replace("0X", "0x"), to: other },
        { from: a, to: a },
        { from: b, to: other },
        { from: other, to: a },
        { from: b, to: null },
      ],
    }
    expect(tallyBlock(block, new Set([a, b]))).toEqual({ transfers: 3, selfTransfers: 1 })
  })

  test("a block read with hashes only, or no block, counts nothing", () => {
    expect(tallyBlock({ transactions: ["0xabc"] }, new Set([a]))).toEqual({ transfers: 0, selfTransfers: 0 })
    expect(tallyBlock(null, new Set([a]))).toEqual({ transfers: 0, selfTransfers: 0 })
  })
})
