import { describe, expect, test } from "bun:test"
import { entryIndexOf, padIndex, replicaKeys } from "./keys.ts"
import { decodeLeaderValue, encodeLeaderValue, newIncarnation } from "./leader-value.ts"
import { decodeEntry, encodeEntry } from "./log-entry.ts"
import { numberList } from "./number-list.ts"

describe("keys", () => {
  test("padded indexes sort in index order", () => {
    const keys = replicaKeys("svc")
    const sorted = [2, 10, 1, 100].map(keys.entry).sort()
    expect(sorted.map((k) => entryIndexOf(keys, k))).toEqual([1, 2, 10, 100])
    expect(padIndex(42)).toBe("000000000042")
  })

  test("names paper B's keys under the service, the snapshot as Snapshot/<service>", () => {
    const keys = replicaKeys("svc")
    expect(keys.logSize).toBe("svc/LogSize")
    expect(keys.lpi("host-1")).toBe("svc/LPI/host-1")
    expect(keys.snapshot).toBe("Snapshot/svc")
    expect(entryIndexOf(keys, "svc/LogSize")).toBeUndefined()
    expect(entryIndexOf(keys, "other/Log/000000000001")).toBeUndefined()
  })
})

describe("codecs", () => {
  test("log entries round-trip; anything else decodes to undefined", () => {
    const e = { id: "r1", epoch: 9, payload: { n: 1 } }
    expect(decodeEntry(encodeEntry(e))).toEqual(e)
    expect(decodeEntry("{")).toBeUndefined()
    expect(decodeEntry(JSON.stringify({ id: "", epoch: 1 }))).toBeUndefined()
  })

  test("leader values round-trip, and incarnations differ", () => {
    const v = { node: "b", incarnation: newIncarnation(), location: "10.0.0.2:8090" }
    expect(decodeLeaderValue(encodeLeaderValue(v))).toEqual(v)
    expect(newIncarnation()).not.toBe(newIncarnation())
    expect(decodeLeaderValue("b")).toBeUndefined()
  })
})

describe("number list (paper B's Table 2 service)", () => {
  test("appends finite numbers and ignores anything else", () => {
    const s = [1, "x", 3, Number.NaN].reduce<readonly number[]>((acc, p, i) => numberList.apply(acc, p, i + 1), numberList.initial())
    expect(s).toEqual([1, 3])
    expect(numberList.validate(2)).toBeUndefined()
    expect(numberList.validate("2")).toContain("finite number")
    expect(numberList.decode(numberList.encode([1, 2]))).toEqual([1, 2])
    expect(numberList.decode(["1"])).toBeUndefined()
  })
})
