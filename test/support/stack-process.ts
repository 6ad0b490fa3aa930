/**
 * The local stack's own processes, found by the pid files `scripts/stack` keeps, for
 * fault tests that freeze (SIGSTOP) or kill one and bring it back. Every frozen process
 * is resumed when the test process exits, whatever happened.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { repoRoot } from "./gateway-process.ts"

/** Where `scripts/stack` keeps its pid files. */
const pidDir = () => join(process.env.GATEWAY_RUN_DIR ?? join(repoRoot, ".run"), "pids")

/** The pid `scripts/stack` recorded for `name` (kafka-1, btcwallet, btc-miner, anvil, …). */
export const stackPid = (name: string): number => {
  const text = readFileSync(join(pidDir(), `${name}.pid`), "utf8").trim()
  const pid = Number(text)
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`${pidDir()}/${name}.pid holds ${JSON.stringify(text)}, not a pid; is the stack up (npm run stack -- status)?`)
  return pid
}

const frozen = new Set<number>()
process.on("exit", () => {
  for (const pid of frozen) {
    try {
      process.kill(pid, "SIGCONT")
    } catch {
      // gone already
    }
  }
})

/** Freezes the stack process `name` (SIGSTOP). */
export const freeze = (name: string): number => {
  const pid = stackPid(name)
  process.kill(pid, "SIGSTOP")
  frozen.add(pid)
  return pid
}

/** Resumes the stack process `name` (SIGCONT). */
export const thaw = (name: string): void => {
  const pid = stackPid(name)
  process.kill(pid, "SIGCONT")
  frozen.delete(pid)
}

/**
 * Resumes `name` if this process froze it and has not resumed it yet (an afterAll after a
 * failed test); never throws, so the cleanup after it still runs.
 */
export const thawIfFrozen = (name: string): void => {
  try {
    if (frozen.has(stackPid(name))) thaw(name)
  } catch {
    // No pid file, or the process is gone: nothing left to resume.
  }
}

/** Freezes `name` for `ms`, then resumes it. */
export const freezeFor = async (name: string, ms: number): Promise<void> => {
  freeze(name)
  try {
    await new Promise((r) => setTimeout(r, ms))
  } finally {
    thaw(name)
  }
}

/** Starts the stack's `service` again (`scripts/stack up SERVICE`: what still runs is kept) and waits until it is healthy. */
export const bringBack = async (service: "kafka" | "etcd" | "anvil" | "bitcoin"): Promise<void> => {
  const up = Bun.spawn(["bash", join(repoRoot, "scripts", "stack"), "up", service], { stdout: "ignore", stderr: "pipe", env: process.env })
  if ((await up.exited) !== 0) throw new Error(`scripts/stack up ${service} failed: ${await new Response(up.stderr).text()}`)
}
