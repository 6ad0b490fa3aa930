/**
 * The processes of a namespace lab (the failover lab's, the multi-host lab's): each started inside its namespace with
 * `ip netns exec` (which execs the command, so the pid is the program's own), its output
 * in `<runDir>/logs/<name>.log` and its pid in `<runDir>/pids/<name>.pid`, and stopped
 * by that pid: SIGTERM, then SIGKILL after a grace period. `killAllNow` is the
 * synchronous form for an interrupt handler. A detached set (the multi-host lab's, whose
 * processes outlive the command that started them) starts each in its own session and
 * does not keep the starter alive; they are stopped later from their pid files.
 */
import type { Subprocess } from "bun"
import { mkdirSync, openSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { inNetns } from "./netns.ts"

/** One process of the lab. */
export interface LabProcess {
  readonly name: string
  readonly netns: string
  readonly pid: number
  readonly log: string
  readonly proc: Subprocess
}

/** What to start. */
export interface ProcessSpec {
  /** Unique within the lab: `etcd-n1`, `replica-n3`, `anvil`. */
  readonly name: string
  readonly netns: string
  readonly argv: ReadonlyArray<string>
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly cwd?: string
}

/** Every process the lab started, by name. */
export interface ProcessSet {
  readonly start: (spec: ProcessSpec) => LabProcess
  readonly get: (name: string) => LabProcess | undefined
  readonly all: () => ReadonlyArray<LabProcess>
  /** SIGTERM, wait up to `graceMs`, then SIGKILL; removes the pid file. */
  readonly stop: (name: string, graceMs?: number) => Promise<void>
  /** Stops every process (in parallel). */
  readonly stopAll: (graceMs?: number) => Promise<void>
  /** SIGKILLs every process still running, synchronously (interrupt path). */
  readonly killAllNow: () => void
}

/** How a set starts its processes. */
export interface ProcessSetOptions {
  /** Own session (setsid) and no hold on the starter: the process outlives it. */
  readonly detached?: boolean
}

/** A process set whose files live under `runDir`. */
export const makeProcessSet = (runDir: string, options: ProcessSetOptions = {}): ProcessSet => {
  const logs = join(runDir, "logs")
  const pids = join(runDir, "pids")
  mkdirSync(logs, { recursive: true })
  mkdirSync(pids, { recursive: true })
  const running = new Map<string, LabProcess>()
  const stop = async (name: string, graceMs = 5000): Promise<void> => {
    const p = running.get(name)
    if (p === undefined) return
    if (p.proc.exitCode === null && p.proc.signalCode === null) {
      p.proc.kill("SIGTERM")
      const timedOut = await Promise.race([p.proc.exited.then(() => false), Bun.sleep(graceMs).then(() => true)])
      if (timedOut) {
        p.proc.kill("SIGKILL")
        await p.proc.exited
      }
    }
    rmSync(join(pids, `${name}.pid`), { force: true })
    running.delete(name)
  }
  return {
    start: (spec) => {
      if (running.has(spec.name)) throw new Error(`lab process ${spec.name} is already running`)
      const log = join(logs, `${spec.name}.log`)
      const fd = openSync(log, "a")
      // setsid execs the command (it is no group leader here), so the pid stays the program's own.
      const argv = inNetns(spec.netns, spec.argv)
      const proc = Bun.spawn(options.detached === true ? ["setsid", ...argv] : [...argv], {
        stdin: "ignore",
        stdout: fd,
        stderr: fd,
        env: { ...process.env, ...spec.env },
        ...(spec.cwd === undefined ? {} : { cwd: spec.cwd }),
      })
      if (options.detached === true) proc.unref()
      writeFileSync(join(pids, `${spec.name}.pid`), `${proc.pid}\n`)
      const p: LabProcess = { name: spec.name, netns: spec.netns, pid: proc.pid, log, proc }
      running.set(spec.name, p)
      return p
    },
    get: (name) => running.get(name),
    all: () => [...running.values()],
    stop,
    stopAll: async (graceMs) => {
      await Promise.all([...running.keys()].map((n) => stop(n, graceMs)))
    },
    killAllNow: () => {
      for (const p of running.values()) {
        if (p.proc.exitCode !== null || p.proc.signalCode !== null) continue
        try {
          process.kill(p.pid, "SIGKILL")
        } catch { /* already gone */ }
      }
    },
  }
}

/** The last `chars` characters of a process's log, for an error message. */
export const logTail = async (p: LabProcess, chars = 800): Promise<string> => {
  const text = await Bun.file(p.log).text().catch(() => "")
  return text.slice(-chars)
}
