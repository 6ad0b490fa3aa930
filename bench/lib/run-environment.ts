/**
 * Facts about where a bench ran, stored with every result so two results
 * are only compared when they came from comparable machines and commits.
 */
import { cpus, totalmem } from "node:os"

/** The machine a bench ran on. */
export interface MachineFacts {
  readonly cores: number
  readonly cpuModel: string
  readonly memoryBytes: number
  readonly platform: string
  readonly arch: string
  readonly bunVersion: string
}

/** This machine's facts. */
export const machineFacts = (): MachineFacts => {
  const list = cpus()
  return {
    cores: list.length,
    cpuModel: list[0]?.model.trim() ?? "unknown",
    memoryBytes: totalmem(),
    platform: process.platform,
    arch: process.arch,
    bunVersion: Bun.version,
  }
}

/**
 * The commit checked out in `cwd`, or null when git is missing or this is
 * not a clone (the compiled binary is often run elsewhere).
 */
export const gitCommit = (cwd: string = process.cwd()): string | null => {
  try {
    const result = Bun.spawnSync(["git", "rev-parse", "HEAD"], { cwd, stdout: "pipe", stderr: "ignore" })
    const text = result.stdout.toString().trim()
    return result.exitCode === 0 && /^[0-9a-f]{40}$/.test(text) ? text : null
  } catch {
    return null
  }
}
