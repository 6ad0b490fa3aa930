import { describe, expect, test } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { gitCommit, machineFacts } from "./run-environment.ts"

describe("run environment", () => {
  test("the commit of this clone is a full hash", () => {
    expect(gitCommit(join(import.meta.dir, "..", ".."))).toMatch(/^[0-9a-f]{40}$/)
  })

  test("outside a clone the commit is null, not an error", () => {
    const dir = mkdtempSync(join(tmpdir(), "no-git-"))
    try {
      expect(gitCommit(dir)).toBeNull()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test("machine facts name cores, memory and the Bun version", () => {
    const facts = machineFacts()
    expect(facts.cores).toBeGreaterThan(0)
    expect(facts.memoryBytes).toBeGreaterThan(0)
    expect(facts.bunVersion).toBe(Bun.version)
  })
})
