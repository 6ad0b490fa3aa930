import { describe, expect, test } from "bun:test"
import type { QueuedRequest } from "../../domain/request.ts"
import { publishInChunks } from "./publish-chunks.ts"

const requests = (n: number): QueuedRequest[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `id-${i}`,
    sender: "default",
    body: { chain: "bitcoin", method: "sendtoaddress", params: { address: "a", amount: "1" } },
    accepted_at: 0,
    body_hash: "h",
  }))

describe("publishInChunks", () => {
  test("publishes in order, chunk by chunk", async () => {
    const calls: string[][] = []
    const r = await publishInChunks(async (rs) => void calls.push(rs.map((x) => x.id)), requests(5), 2)
    expect(r).toEqual({ ok: true })
    expect(calls).toEqual([["id-0", "id-1"], ["id-2", "id-3"], ["id-4"]])
  })
  test("stops at the first failed chunk and reports what was already queued", async () => {
    let n = 0
    const r = await publishInChunks(async () => {
      if (++n === 2) throw new Error("broker down")
    }, requests(5), 2)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.queued.map((x) => x.id)).toEqual(["id-0", "id-1"])
    expect(n).toBe(2)
  })
})
