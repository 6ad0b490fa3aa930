import { describe, expect, test } from "bun:test"
import { makeWaiters } from "./waiters.ts"

describe("parked replies", () => {
  test("every client waiting on an id gets the index it took effect at", async () => {
    const w = makeWaiters()
    const a = w.add("r1")
    const b = w.add("r1")
    w.settle([{ id: "r1", index: 9, firstIndex: 4, duplicate: true }])
    expect(await a).toEqual({ index: 4 })
    expect(await b).toEqual({ index: 4 })
    expect(w.has("r1")).toBe(false)
  })

  test("a step-down refuses only replies whose append is not known to be committed", async () => {
    const w = makeWaiters()
    const sent = w.add("sent")
    const committed = w.add("committed")
    w.markCommitted(["committed"])
    w.rejectUncommitted(new Error("stepped down"))
    await expect(sent).rejects.toThrow("stepped down")
    expect(w.ids()).toEqual(["committed"])
    w.settle([{ id: "committed", index: 2, firstIndex: 2, duplicate: false }])
    expect(await committed).toEqual({ index: 2 })
  })

  test("rejectAll refuses everyone", async () => {
    const w = makeWaiters()
    const p = w.add("x")
    w.markCommitted(["x"])
    w.rejectAll(new Error("stopping"))
    await expect(p).rejects.toThrow("stopping")
  })
})
