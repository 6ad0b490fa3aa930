import { afterEach, expect, test } from "bun:test"
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { lockStoreFile } from "./store-lock.ts"

let dir = ""
afterEach(() => rmSync(dir, { recursive: true, force: true }))
const file = () => {
  dir = mkdtempSync(join(tmpdir(), "store-lock-"))
  return join(dir, "status.sqlite")
}

test("the first opener holds the lock; a second is told who holds it; release frees it", () => {
  const path = file()
  const first = lockStoreFile(path)
  expect(first._tag).toBe("held")
  expect(lockStoreFile(path)).toEqual({ _tag: "taken", pid: process.pid })
  if (first._tag === "held") first.release()
  expect(existsSync(`${path}.lock`)).toBe(false)
  const again = lockStoreFile(path)
  expect(again._tag).toBe("held")
  if (again._tag === "held") again.release()
})

test("a lock left by a process that is gone is taken over", () => {
  const path = file()
  const dead = Bun.spawnSync(["true"]).pid
  writeFileSync(`${path}.lock`, String(dead))
  const answer = lockStoreFile(path)
  expect(answer._tag).toBe("held")
  if (answer._tag === "held") answer.release()
})
