import { describe, expect, test } from "bun:test"
import type { StatusRecord } from "../../domain/status.ts"
import { changeVoutsOf } from "./tx-records.ts"

const record = (change?: string): StatusRecord => ({
  id: "btc-tx:ab", kind: "transaction", status: "signed", chain: "bitcoin", sender: "default", partition: 0, at: 0,
  ...(change === undefined ? {} : { change }),
})

describe("changeVoutsOf", () => {
  test.each([
    ["no change", undefined, []],
    ["one change output (the form written before the split)", "1:489990000", [1]],
    ["a split change", "3:1000,4:1000,5:1001", [3, 4, 5]],
    ["an empty field", "", []],
    ["a malformed pair is left out", "1:1000,x:5,2:1000", [1, 2]],
  ] as const)("%s", (_name, change, vouts) => {
    expect(changeVoutsOf(record(change))).toEqual([...vouts])
  })
})
