/**
 * `gateway bench failover`, scaled down (60 s of load, a cut of 8 s every 20 s), once
 * cutting random nodes and once cutting the leader, on the real lab: six namespaces
 * with etcd and a replica each, anvil mining every 12 s. Every request a client gave up
 * on is looked up on the serving leader afterwards (GET /v1/requests/:id); every
 * replica's list must then be identical, in index order, to the acknowledged numbers
 * plus those found applied, no acknowledged number may be lost, duplicated or
 * reordered, and every namespace must be gone afterwards. Runs as root only (network namespaces).
 */
import { describe, expect, setDefaultTimeout, test } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { failoverBench } from "../bench/failover/index.ts"
import { runBench } from "../bench/lib/run-bench.ts"
import { silentSink } from "../bench/lib/progress.ts"
import type { ResultDocument } from "../bench/lib/results.ts"
import { machineFacts } from "../bench/lib/run-environment.ts"
import { ip } from "../bench/lib/netns.ts"

setDefaultTimeout(420_000)

const labNames = (): string[] =>
  [...ip(["netns", "list"]).out.split("\n"), ...ip(["-o", "link", "show"]).out.split("\n").map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1] ?? "")]
    .map((n) => n.split(" ")[0] ?? "")
    .filter((n) => /^gwfo\d+/.test(n))

const runScaledDown = async (mode: "random" | "leader") => {
  const out = mkdtempSync(join(tmpdir(), "failover-bench-"))
  const before = new Set(labNames())
  const lines: string[] = []
  const errors: string[] = []
  try {
    const code = await runBench(
      failoverBench,
      ["--mode", mode, "--duration", "60", "--period", "20", "--outage", "8", "--settle-s", "60", "--out", out, "--timeline-svg", join(out, "timeline.svg"),
        // npm test builds dist/gateway first; GATEWAY_BINARY points at another build.
        ...(process.env.GATEWAY_BINARY === undefined ? [] : ["--gateway", process.env.GATEWAY_BINARY])],
      {
        out: (l) => lines.push(l),
        err: (l) => errors.push(l),
        progress: silentSink,
        env: process.env,
        now: () => new Date(),
        cwd: process.cwd(),
        commit: () => null,
        machine: machineFacts,
      },
    )
    if (code !== 0) throw new Error(`bench failed (${code}):\n${errors.join("\n")}`)
    const doc = (await Bun.file(join(out, "failover-latest.json")).json()) as ResultDocument
    // Nothing of the lab is left: no new gwfo* namespace or link.
    expect(labNames().filter((n) => !before.has(n))).toEqual([])
    return { doc, lines, errors }
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}

const figure = (doc: ResultDocument, name: string) => doc.figures.find((f) => f.name === name)?.value

const isRoot = process.getuid?.() === 0

describe.skipIf(!isRoot)("gateway bench failover, scaled down", () => {
  for (const mode of ["random", "leader"] as const) {
    test(`${mode}: every replica is identical to the acknowledged plus the gave-up-but-applied numbers, and no acknowledged request is lost`, async () => {
      const { doc, lines } = await runScaledDown(mode)
      const details = doc.details as {
        consistency: {
          replicasAgree: boolean; consistent: boolean; allIdentical: boolean; acknowledged: number; gaveUpApplied: number; gaveUpNotApplied: number; unresolved: number; expected: number
          replicas: Array<{ read: boolean; identical: boolean; length: number; lostAcknowledged: number; duplicated: number; foreign: number }>
        }
      }
      const c = details.consistency
      expect(figure(doc, "requests per client")).toBe(120)
      expect(figure(doc, "outages")).toBe(3)
      expect(details.consistency.replicas).toHaveLength(6)
      expect(details.consistency.replicas.every((r) => r.read && r.lostAcknowledged === 0 && r.duplicated === 0 && r.foreign === 0)).toBe(true)
      expect(details.consistency.replicasAgree).toBe(true)
      expect(details.consistency.consistent).toBe(true)
      // The strict check: every gave-up outcome was learned, and every list is exactly acknowledged + gave-up-applied, in index order.
      expect(c.unresolved).toBe(0)
      expect(c.expected).toBe(c.acknowledged + c.gaveUpApplied)
      expect(c.replicas.every((r) => r.identical && r.length === c.expected)).toBe(true)
      expect(c.allIdentical).toBe(true)
      // Three clients under the same cuts: paper B's, the gateway's one-shot one that any replica serves, and the SDK's.
      const perClient = ["failed requests, no retry", "failed requests, one-shot any replica", "failed requests, SDK retry"].map((name) => figure(doc, name))
      expect(perClient.every((n) => n !== undefined)).toBe(true)
      const failed = perClient.reduce((sum: number, n) => sum + (n ?? 0), 0)
      expect(c.gaveUpApplied + c.gaveUpNotApplied).toBe(failed)
      expect(figure(doc, "replicas not identical to acknowledged + gave-up-applied")).toBe(0)
      expect(figure(doc, "acknowledged requests lost")).toBe(0)
      // The table beside the paper's figures was printed.
      expect(lines.some((l) => l.includes("paper B"))).toBe(true)
      if (mode === "leader") expect(figure(doc, "leader changes")).toBeGreaterThanOrEqual(1)
    })
  }
})
