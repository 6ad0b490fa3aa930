import { describe, expect, test } from "bun:test"
import { produceChunks, recordBytes } from "./produce-chunks.ts"

const rec = (value: string, key: string | null = "k") => ({ key, value })

describe("produceChunks", () => {
  test("a write under the limit is one chunk, unchanged", () => {
    const write = [{ topic: "a", messages: [rec("1"), rec("2")] }, { topic: "b", messages: [rec("3")] }]
    expect(produceChunks(write, 10_000)).toEqual([write])
  })

  test("an empty write gives no chunk", () => {
    expect(produceChunks([], 100)).toEqual([])
    expect(produceChunks([{ topic: "a", messages: [] }], 100)).toEqual([])
  })

  test("500 records of 2 KB are cut into chunks under the limit, in order, none lost", () => {
    const messages = Array.from({ length: 500 }, (_, i) => rec(`${i}:`.padEnd(2_000, "x")))
    const chunks = produceChunks([{ topic: "results", messages }], 512 * 1024)
    expect(chunks.length).toBeGreaterThan(1)
    for (const c of chunks) expect(c.flatMap((t) => t.messages).reduce((n, m) => n + recordBytes(m), 0)).toBeLessThanOrEqual(512 * 1024)
    expect(chunks.flatMap((c) => c.flatMap((t) => t.messages))).toEqual(messages)
  })

  test("a chunk boundary inside a topic keeps both topics' order", () => {
    const a = Array.from({ length: 5 }, (_, i) => rec(`a${i}`.padEnd(100, "x")))
    const b = Array.from({ length: 5 }, (_, i) => rec(`b${i}`.padEnd(100, "x")))
    const chunks = produceChunks([{ topic: "a", messages: a }, { topic: "b", messages: b }], 3 * recordBytes(a[0] ?? rec("")))
    const of = (topic: string) => chunks.flatMap((c) => c.filter((t) => t.topic === topic).flatMap((t) => t.messages))
    expect(of("a")).toEqual(a)
    expect(of("b")).toEqual(b)
    expect(chunks.length).toBe(4)
  })

  test("a record larger than the limit goes alone", () => {
    const big = rec("y".repeat(1_000))
    const chunks = produceChunks([{ topic: "a", messages: [rec("s"), big, rec("t")] }], 200)
    expect(chunks.map((c) => c.flatMap((t) => t.messages.map((m) => m.value.length)))).toEqual([[1], [1_000], [1]])
  })
})
