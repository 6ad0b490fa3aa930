import { expect, test } from "bun:test"
import { shareRun } from "./share-run.ts"

test("callers of one key share the run that is under way; the first one started it", async () => {
  const running = new Map<string, Promise<number>>()
  let starts = 0
  const gate = Promise.withResolvers<number>()
  const first = shareRun(running, "a", () => ((starts += 1), gate.promise))
  const second = shareRun(running, "a", () => ((starts += 1), Promise.resolve(-1)))
  const other = shareRun(running, "b", () => ((starts += 1), Promise.resolve(7)))
  expect([first.joined, second.joined, other.joined]).toEqual([false, true, false])
  gate.resolve(42)
  expect(await Promise.all([first.running, second.running, other.running])).toEqual([42, 42, 7])
  expect(starts).toBe(2)
})

test("the key is free once the run settled, also after a failure", async () => {
  const running = new Map<string, Promise<number>>()
  const failed = shareRun(running, "a", () => Promise.reject(new Error("node down")))
  await expect(failed.running).rejects.toThrow("node down")
  expect(running.size).toBe(0)
  const again = shareRun(running, "a", () => Promise.resolve(1))
  expect(again.joined).toBe(false)
  expect(await again.running).toBe(1)
  expect(running.size).toBe(0)
})
