/**
 * One process per store file. SQLite would let two processes share the file, but the
 * store's read positions are one reader's: two views writing positions into one file
 * would each skip what the other read. So a process takes `<file>.lock` (its pid) before
 * it opens the file; a second process of the same host and topic (tests and benches start
 * several on one machine) is told the file is taken and keeps its store in memory. A lock
 * whose process is gone (a SIGKILL) is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs"

/** Holding the lock, or who holds it. */
export type LockAnswer = { readonly _tag: "held"; readonly release: () => void } | { readonly _tag: "taken"; readonly pid: number }

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (cause) {
    // EPERM: the process exists but is another user's.
    return cause instanceof Error && "code" in cause && cause.code === "EPERM"
  }
}

const create = (lockPath: string): boolean => {
  try {
    const fd = openSync(lockPath, "wx")
    writeSync(fd, String(process.pid))
    closeSync(fd)
    return true
  } catch (cause) {
    if (cause instanceof Error && "code" in cause && cause.code === "EEXIST") return false
    throw cause
  }
}

const holder = (lockPath: string): number => {
  try {
    return Number.parseInt(readFileSync(lockPath, "utf8"), 10)
  } catch {
    return Number.NaN
  }
}

/** Takes the lock of `file` for this process, or says which live process holds it. */
export const lockStoreFile = (file: string): LockAnswer => {
  const lockPath = `${file}.lock`
  for (let attempt = 0; attempt < 2; attempt++) {
    if (create(lockPath)) {
      let held = true
      const release = () => {
        if (!held) return
        held = false
        process.off("exit", release)
        if (holder(lockPath) === process.pid) unlinkSync(lockPath)
      }
      process.on("exit", release)
      return { _tag: "held", release }
    }
    const pid = holder(lockPath)
    if (Number.isInteger(pid) && alive(pid)) return { _tag: "taken", pid }
    // Left by a process that is gone: take it over.
    try {
      unlinkSync(lockPath)
    } catch {
      // Another process took it over first; the next attempt sees its pid.
    }
  }
  return { _tag: "taken", pid: holder(lockPath) }
}
