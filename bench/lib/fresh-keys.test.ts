import { describe, expect, test } from "bun:test"
import { freshKeys } from "./fresh-keys.ts"

describe("fresh keys", () => {
  test("are distinct and come with their addresses", () => {
    const { keys, addresses } = freshKeys(3)
    expect(new Set(keys).size).toBe(3)
    expect(addresses).toHaveLength(3)
    for (const a of addresses) expect(a).toMatch(/^0x[0-9a-f]{40}$/)
  })
})
