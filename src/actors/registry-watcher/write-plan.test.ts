import { describe, expect, test } from "bun:test"
import { planWrite } from "./write-plan.ts"

describe("planWrite", () => {
  test.each([
    { name: "registered at epoch 0", epoch: 0n, location: "http://a", mine: 5, want: "write" },
    { name: "an older leader's location", epoch: 4n, location: "http://b", mine: 5, want: "write" },
    { name: "this leader's own earlier write", epoch: 5n, location: "http://a", mine: 5, want: "already" },
    { name: "same epoch, another location", epoch: 5n, location: "http://b", mine: 5, want: "stale" },
    { name: "a newer leader moved it", epoch: 9n, location: "http://b", mine: 5, want: "stale" },
  ])("$name", ({ epoch, location, mine, want }) => {
    expect(planWrite({ location, epoch }, "http://a", mine)).toBe(want)
  })
})
