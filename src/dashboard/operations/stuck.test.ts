import { describe, expect, test } from "bun:test"
import type { StatusRecord } from "../../domain/status.ts"
import { defaultStuckAfterMs, isStuck, newestFirst, stuckAfterMsOf, stuckOf } from "./stuck.ts"

const now = 1_000_000
const rec = (id: string, status: StatusRecord["status"], at: number, extra: Partial<StatusRecord> = {}): StatusRecord => ({ id, status, chain: "ethereum", sender: "0xabc", partition: 3, at, ...extra })

describe("isStuck", () => {
  const after = 60_000
  const cases: ReadonlyArray<readonly [string, StatusRecord, boolean]> = [
    ["accepted past the threshold", rec("a", "accepted", now - 60_000), true],
    ["accepted just under it", rec("a", "accepted", now - 59_999), false],
    ["signed past it", rec("a", "signed", now - 90_000), true],
    ["submitted past it", rec("a", "submitted", now - 90_000), true],
    ["confirmed is never stuck", rec("a", "confirmed", now - 900_000), false],
    ["failed is never stuck (it is listed as failed)", rec("a", "failed", now - 900_000), false],
    ["dlq is never stuck", rec("a", "dlq", now - 900_000), false],
    ["an executor's own record is not a client request", rec("a", "signed", now - 900_000, { kind: "filler" }), false],
    ["a record from the future (another host's clock) is not stuck", rec("a", "accepted", now + 5_000), false],
  ]
  for (const [name, r, want] of cases) test(name, () => expect(isStuck(r, now, after)).toBe(want))
})

describe("stuckOf", () => {
  test("longest stuck first, with age, reason and txid carried", () => {
    const items = stuckOf([rec("b", "signed", now - 70_000), rec("c", "confirmed", now - 999_000), rec("a", "submitted", now - 80_000, { txid: "0x1", node: "eth-1" })], now, 60_000)
    expect(items.map((i) => [i.id, i.age_ms])).toEqual([["a", 80_000], ["b", 70_000]])
    expect(items[0]).toMatchObject({ status: "submitted", txid: "0x1", node: "eth-1", partition: 3 })
  })
})

describe("newestFirst", () => {
  test("newest first, capped", () => {
    const items = newestFirst([rec("x", "failed", 10, { reason: "r1" }), rec("y", "failed", 30), rec("z", "failed", 20)], now, 2)
    expect(items.map((i) => i.id)).toEqual(["y", "z"])
  })
})

describe("stuckAfterMsOf", () => {
  const cases: ReadonlyArray<readonly [string | undefined, number]> = [[undefined, defaultStuckAfterMs], ["30", 30_000], ["0", defaultStuckAfterMs], ["-5", defaultStuckAfterMs], ["1.5", defaultStuckAfterMs], ["abc", defaultStuckAfterMs], ["99999", 86_400_000]]
  for (const [text, want] of cases) test(`${String(text)} → ${want}`, () => expect(stuckAfterMsOf(text)).toBe(want))
})
