import { expect, test } from "bun:test"
import { makeReadProgress } from "./read-progress.ts"

const targets = new Map([
  [0, 5n],
  [1, 3n],
  [2, 0n],
])

const cases: ReadonlyArray<{ name: string; advances: Array<[number, bigint]>; only?: number[]; reached: boolean }> = [
  { name: "nothing read, something to read", advances: [], reached: false },
  { name: "an empty partition counts as read", advances: [[0, 5n], [1, 3n]], reached: true },
  { name: "one partition short", advances: [[0, 5n], [1, 2n]], reached: false },
  { name: "only the asked partition matters", advances: [[0, 5n]], only: [0], reached: true },
  { name: "a position past the target (a marker after it) counts", advances: [[0, 7n], [1, 4n]], reached: true },
  { name: "positions never move back", advances: [[0, 6n], [0, 2n], [1, 3n]], reached: true },
  { name: "an asked partition with no target is vacuous", advances: [], only: [9], reached: true },
]

for (const c of cases) {
  test(`reached: ${c.name}`, () => {
    const progress = makeReadProgress()
    for (const [p, next] of c.advances) progress.advance(p, next)
    expect(progress.reached(targets, c.only === undefined ? undefined : new Set(c.only))).toBe(c.reached)
  })
}

test("waitFor resolves on the advance that reaches the target, and not before", async () => {
  const progress = makeReadProgress()
  let done = false
  const waiting = progress.waitFor(targets, new Set([1])).then(() => {
    done = true
  })
  progress.advance(0, 5n)
  progress.advance(1, 2n)
  await Promise.resolve()
  expect(done).toBe(false)
  progress.advance(1, 3n)
  await waiting
  expect(done).toBe(true)
  expect(progress.position(1)).toBe(3n)
})

test("reset forgets every position, so a topic read again from the start is not skipped", () => {
  const p = makeReadProgress()
  p.advance(0, 100n)
  p.reset()
  expect([p.position(0), p.partitions()]).toEqual([0n, []])
  p.advance(0, 5n)
  expect(p.position(0)).toBe(5n)
})
