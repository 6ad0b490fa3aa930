import { describe, expect, test } from "bun:test"
import { makeRenewOnFailure, RenewableClosed } from "./renew-on-failure.ts"

interface Res {
  readonly n: number
}

/** Resources numbered in the order they were made; `failOpens` of the openings (1-based) reject. */
const harness = (failOpens: readonly number[] = []) => {
  let opened = 0
  const retired: number[] = []
  const r = makeRenewOnFailure<Res>(
    { n: 0 },
    async () => {
      opened += 1
      if (failOpens.includes(opened)) throw new Error(`open ${opened} failed`)
      return { n: opened }
    },
    async (res) => {
      retired.push(res.n)
    },
  )
  return { r, retired, opened: () => opened }
}

describe("renew-on-failure", () => {
  const cases: ReadonlyArray<{ readonly name: string; readonly outcomes: readonly ("ok" | "fail")[]; readonly used: readonly number[]; readonly retired: readonly number[] }> = [
    { name: "all succeed: one resource throughout", outcomes: ["ok", "ok", "ok"], used: [0, 0, 0], retired: [] },
    { name: "a failure: the next call runs on a new resource", outcomes: ["ok", "fail", "ok", "ok"], used: [0, 0, 1, 1], retired: [0] },
    { name: "failures in a row: a new resource each time", outcomes: ["fail", "fail", "ok"], used: [0, 1, 2], retired: [0, 1] },
  ]
  for (const c of cases) {
    test(c.name, async () => {
      const h = harness()
      const used: number[] = []
      for (const outcome of c.outcomes) {
        await h.r
          .run(async (res) => {
            used.push(res.n)
            if (outcome === "fail") throw new Error("send failed")
          })
          .catch(() => undefined)
      }
      await Bun.sleep(0)
      expect(used).toEqual([...c.used])
      expect(h.retired).toEqual([...c.retired])
      expect(h.r.renewals()).toBe(c.retired.length)
    })
  }

  test("calls never overlap, and run in call order", async () => {
    const h = harness()
    const log: string[] = []
    const call = (name: string, ms: number, fail = false) =>
      h.r.run(async (res) => {
        log.push(`${name} start on ${res.n}`)
        await Bun.sleep(ms)
        log.push(`${name} end`)
        if (fail) throw new Error(name)
      })
    const all = await Promise.allSettled([call("a", 20, true), call("b", 1), call("c", 5)])
    expect(all.map((s) => s.status)).toEqual(["rejected", "fulfilled", "fulfilled"])
    expect(log).toEqual(["a start on 0", "a end", "b start on 1", "b end", "c start on 1", "c end"])
  })

  test("a failed opening: the next call opens again before it runs, and rejects only if that fails too", async () => {
    const h = harness([1, 2])
    await h.r.run(async () => Promise.reject(new Error("send failed"))).catch(() => undefined)
    await expect(h.r.run(async (res) => res.n)).rejects.toThrow("open 2 failed")
    expect(await h.r.run(async (res) => res.n)).toBe(3)
    expect(h.opened()).toBe(3)
  })

  test("close retires the current resource; later calls reject with RenewableClosed", async () => {
    const h = harness()
    await h.r.run(async () => Promise.reject(new Error("send failed"))).catch(() => undefined)
    await h.r.close()
    expect(h.retired).toEqual([0, 1])
    expect(await h.r.run(async () => 1).catch((e: unknown) => e)).toBeInstanceOf(RenewableClosed)
  })
})
