import { describe, expect, test } from "bun:test"
import { Effect, Result } from "effect"
import { loadConfig } from "../config/index.ts"
import type { HostContext } from "../host/host-context.ts"
import { makeReadiness } from "../host/readiness.ts"
import { makeLogger } from "../observability/log.ts"
import { makeMetrics } from "../observability/metrics.ts"
import type { SupervisorSpec } from "../runtime/supervisor-spec.ts"
import { hostTree } from "./host-tree.ts"

const contextWith = async (shutdownTimeoutMs: number): Promise<HostContext> => {
  const loaded = await loadConfig("config/local.toml")
  if (Result.isFailure(loaded)) throw new Error("config/local.toml does not load")
  const config = { ...loaded.success, runtime: { ...loaded.success.runtime, shutdown_timeout_ms: shutdownTimeoutMs } }
  const host = config.hosts[0]
  if (host === undefined) throw new Error("config/local.toml has no host")
  return { config, host, log: makeLogger(host.name, { write: () => undefined }), metrics: makeMetrics(), readiness: makeReadiness(), env: {} }
}

/** Every leaf actor's stop budget, by id (nested supervisors left out: theirs is their children's). */
const budgets = (spec: SupervisorSpec): Record<string, number> =>
  Object.fromEntries(spec.children.filter((c) => Number.isFinite(c.shutdownMs)).map((c) => [c.id, c.shutdownMs]))

describe("the host tree", () => {
  test("[runtime].shutdown_timeout_ms bounds every actor's stop budget, and leaves smaller ones as they are", async () => {
    const tree = hostTree(await contextWith(3_000), ["producer", "consumer"], "test")
    const got = budgets(tree)
    expect(Object.keys(got).length).toBeGreaterThan(4)
    expect(Math.max(...Object.values(got))).toBe(3_000)
    expect(got["status-sampler"]).toBe(1_000)
    const wide = budgets(hostTree(await contextWith(60_000), ["producer", "consumer"], "test"))
    expect(wide.producer).toBe(10_000)
  })

  test("the ready marker starts after every child the roles serve with, and before the ones that only feed the operations page", async () => {
    const marker = { id: "ready", restart: "temporary", shutdownMs: 100, init: Effect.succeed(Effect.void) } as const
    const ids = hostTree(await contextWith(3_000), ["producer", "consumer"], "test", [marker]).children.map((c) => c.id)
    const at = (id: string) => {
      const i = ids.indexOf(id)
      if (i < 0) throw new Error(`no child ${id} in ${ids.join(", ")}`)
      return i
    }
    for (const serving of ["status-view", "webhook-book", "producer"]) expect(at(serving)).toBeLessThan(at("ready"))
    // The throttle reports load etcd3 (about 130 ms of the thread) when they start; readiness does not wait for them.
    for (const pageOnly of ["status-sampler", "throttle-reporter", "throttle-report-reader"]) expect(at(pageOnly)).toBeGreaterThan(at("ready"))
  })
})
