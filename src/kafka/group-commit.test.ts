import { expect, test } from "bun:test"
import { makeGroupCommit } from "./group-commit.ts"

const deferred = () => {
  let resolve = () => {}
  const promise = new Promise<void>((r) => { resolve = r })
  return { promise, resolve }
}

test("a lone caller is flushed at once; callers arriving mid-flush share the next flush", async () => {
  const flushes: number[][] = []
  const gates: Array<ReturnType<typeof deferred>> = []
  const gc = makeGroupCommit<number>(async (items) => {
    flushes.push([...items])
    const g = deferred()
    gates.push(g)
    await g.promise
  }, 100)
  const first = gc.submit([1])
  await Promise.resolve()
  expect(flushes).toEqual([[1]])
  const second = gc.submit([2, 3])
  const third = gc.submit([4])
  expect(gc.queued()).toBe(3)
  gates[0]?.resolve()
  await first
  await new Promise((r) => setTimeout(r, 0))
  expect(flushes).toEqual([[1], [2, 3, 4]])
  gates[1]?.resolve()
  await Promise.all([second, third])
  expect(gc.queued()).toBe(0)
})

test("a failed flush rejects exactly the callers it carried", async () => {
  let calls = 0
  const gc = makeGroupCommit<string>(async () => {
    calls += 1
    if (calls === 1) throw new Error("broker down")
  }, 10)
  const a = gc.submit(["a"])
  const b = gc.submit(["b"])
  await expect(a).rejects.toThrow("broker down")
  await expect(b).resolves.toBeUndefined()
})

test("maxItems splits batches between callers, never inside one caller's items", async () => {
  const flushes: number[] = []
  let release = () => {}
  const gc = makeGroupCommit<number>(async (items) => {
    flushes.push(items.length)
    if (flushes.length === 1) await new Promise<void>((r) => { release = r })
  }, 5)
  const p0 = gc.submit([0])
  const p1 = gc.submit([1, 1, 1])
  const p2 = gc.submit([2, 2, 2])
  const p3 = gc.submit([3, 3, 3, 3, 3, 3, 3])
  release()
  await Promise.all([p0, p1, p2, p3])
  expect(flushes).toEqual([1, 3, 3, 7])
})

test("every caller of one flush resolves with that flush's result", async () => {
  let flushNo = 0
  let release = () => {}
  const gc = makeGroupCommit<string, number>(async () => {
    flushNo += 1
    const mine = flushNo
    if (mine === 1) await new Promise<void>((r) => { release = r })
    return mine
  }, 100)
  const first = gc.submit(["a"])
  const second = gc.submit(["b"])
  const third = gc.submit(["c"])
  release()
  expect(await Promise.all([first, second, third])).toEqual([1, 2, 2])
})

test("a weight bounds a flush by what it counts (bytes), a heavy caller goes alone", async () => {
  const flushes: string[][] = []
  let release = () => {}
  const gc = makeGroupCommit<string>(async (items) => {
    flushes.push([...items])
    if (flushes.length === 1) await new Promise<void>((r) => { release = r })
  }, 9, (s) => s.length)
  const calls = [gc.submit(["x"]), gc.submit(["aaaa", "bbbb"]), gc.submit(["cc"]), gc.submit(["dddddddddddddd"]), gc.submit(["e"])]
  release()
  await Promise.all(calls)
  expect(flushes).toEqual([["x"], ["aaaa", "bbbb"], ["cc"], ["dddddddddddddd"], ["e"]])
})

test("an empty submit resolves at once with the empty result", async () => {
  const gc = makeGroupCommit<string, string>(async () => "flushed", 10, undefined, "nothing")
  expect(await gc.submit([])).toBe("nothing")
})

test("items still queued can be withdrawn: never flushed, rejected with Withdrawn; items already in a flush cannot", async () => {
  const flushes: string[][] = []
  let release = () => {}
  const gc = makeGroupCommit<string>(async (items) => {
    flushes.push([...items])
    await new Promise<void>((r) => { release = r })
  }, 10)
  const inFlight = new AbortController()
  const queued = new AbortController()
  const first = gc.submit(["a"], inFlight.signal)
  await Promise.resolve()
  const second = gc.submit(["b", "c"], queued.signal)
  const third = gc.submit(["d"])
  expect(gc.queued()).toBe(3)
  queued.abort()
  inFlight.abort()
  await expect(second).rejects.toMatchObject({ _tag: "Withdrawn", items: 2 })
  expect(gc.queued()).toBe(1)
  release()
  await first
  await new Promise((r) => setTimeout(r, 0))
  release()
  await third
  expect(flushes).toEqual([["a"], ["d"]])
})

test("a signal already aborted withdraws at once", async () => {
  const gc = makeGroupCommit<number>(async () => undefined, 10)
  await expect(gc.submit([1], AbortSignal.abort())).rejects.toMatchObject({ _tag: "Withdrawn" })
})
