/**
 * CPU time of the local stack's processes, read from /proc, so a bench can say where a
 * pass spent the machine: the gateway, the Kafka brokers, the chain node, the bench.
 * On the 2-core machines here every process of a pass shares the same cores, so a
 * pass's rate is bounded by the CPU its path costs per request, whoever spends it.
 *
 * Groups are found through the pid files `scripts/stack` keeps (`.run/pids/<name>.pid`),
 * each with its descendants (anvil's pid file names the npm wrapper; the node binary is
 * its child).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { parseProcStatCpuSeconds } from "./gateway-under-test.ts"

/** A named group of processes: the pids of its pid files (descendants are found at each reading). */
export interface ProcessGroup {
  readonly name: string
  readonly pids: ReadonlyArray<number>
}

/** Where `scripts/stack` keeps its pid files, relative to the working directory (the repository root). */
export const defaultPidDir = (): string => resolve(".run/pids")

/** The groups of the local stack whose pid files exist: `kafka` (every `kafka-*.pid`) and `anvil`. */
export const stackGroups = (pidDir = defaultPidDir()): ReadonlyArray<ProcessGroup> => {
  if (!existsSync(pidDir)) return []
  const read = (file: string) => Number(readFileSync(join(pidDir, file), "utf8").trim())
  const files = readdirSync(pidDir)
  const group = (name: string, match: (f: string) => boolean): ProcessGroup => ({ name, pids: files.filter(match).map(read).filter((p) => Number.isInteger(p) && p > 0) })
  return [group("kafka", (f) => /^kafka-\d+\.pid$/.test(f)), group("anvil", (f) => f === "anvil.pid")].filter((g) => g.pids.length > 0)
}

/** `pid` and every process below it, from /proc/<pid>/task/<tid>/children. */
const withDescendants = (pid: number): number[] => {
  const out = [pid]
  for (let i = 0; i < out.length; i++) {
    const p = out[i] as number
    try {
      for (const tid of readdirSync(`/proc/${p}/task`)) {
        const children = readFileSync(`/proc/${p}/task/${tid}/children`, "utf8").trim()
        if (children !== "") out.push(...children.split(" ").map(Number))
      }
    } catch {
      // Gone, or not ours to read: counted as nothing.
    }
  }
  return out
}

/** CPU seconds (user + system) used so far by `pids` and their descendants; a process that is gone counts 0. */
export const cpuSecondsOf = (pids: ReadonlyArray<number>): number => {
  let total = 0
  for (const root of pids) {
    for (const pid of withDescendants(root)) {
      try {
        total += parseProcStatCpuSeconds(readFileSync(`/proc/${pid}/stat`, "utf8")) ?? 0
      } catch {
        // Exited between the listing and the read.
      }
    }
  }
  return total
}

/** CPU seconds each group used between `start` and `stop`, and the wall time between them. */
export interface CpuWindow {
  readonly wallSeconds: number
  readonly seconds: Readonly<Record<string, number>>
}

/** A meter over `groups` plus extra readers (e.g. the gateway under test, the bench itself). */
export const cpuMeter = (groups: ReadonlyArray<ProcessGroup>, extra: Readonly<Record<string, () => number>> = {}) => {
  const read = (): Record<string, number> => {
    const out: Record<string, number> = {}
    for (const g of groups) out[g.name] = cpuSecondsOf(g.pids)
    for (const [name, reader] of Object.entries(extra)) out[name] = reader()
    return out
  }
  let from: { readonly at: number; readonly cpu: Record<string, number> } | undefined
  return {
    start: () => {
      from = { at: performance.now(), cpu: read() }
    },
    stop: (): CpuWindow => {
      if (from === undefined) throw new Error("cpuMeter: stop before start")
      const now = read()
      const seconds: Record<string, number> = {}
      for (const [name, value] of Object.entries(now)) seconds[name] = Math.max(0, value - (from.cpu[name] ?? value))
      return { wallSeconds: (performance.now() - from.at) / 1000, seconds }
    },
  }
}

/** The bench process's own CPU seconds so far. */
export const ownCpuSeconds = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}
