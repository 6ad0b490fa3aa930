import { describe, expect, test } from "bun:test"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { cpuMeter, cpuSecondsOf, stackGroups } from "./process-cpu.ts"

describe("process CPU", () => {
  test("stack groups come from the pid files: every kafka-N.pid, and anvil.pid", () => {
    const dir = mkdtempSync(join(tmpdir(), "pids-"))
    try {
      for (const [file, pid] of [["kafka-1.pid", "101"], ["kafka-2.pid", "102\n"], ["anvil.pid", "200"], ["etcd-1.pid", "300"], ["kafka-x.pid", "400"]] as const) writeFileSync(join(dir, file), pid)
      const groups = stackGroups(dir)
      expect(groups.map((g) => [g.name, [...g.pids].sort()])).toEqual([
        ["kafka", [101, 102]],
        ["anvil", [200]],
      ])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    expect(stackGroups("/nonexistent/pids")).toEqual([])
  })

  test("this process's CPU grows while it works; a process that does not exist counts 0", () => {
    const before = cpuSecondsOf([process.pid])
    const meter = cpuMeter([{ name: "self", pids: [process.pid] }])
    meter.start()
    // Work until this process has used 100 ms of CPU by its own count (however busy the machine is).
    const used = () => (process.cpuUsage().user + process.cpuUsage().system) / 1000
    const start = used()
    let x = 0
    while (used() - start < 100) for (let i = 0; i < 10_000; i++) x += Math.sqrt(x + i)
    const window = meter.stop()
    expect(x).toBeGreaterThan(0)
    expect(cpuSecondsOf([process.pid])).toBeGreaterThan(before)
    // /proc counts in 10 ms ticks.
    expect(window.seconds.self).toBeGreaterThanOrEqual(0.08)
    expect(window.wallSeconds).toBeGreaterThan(0)
    expect(cpuSecondsOf([2 ** 22 + 12345])).toBe(0)
  })
})
