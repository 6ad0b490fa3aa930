/**
 * A replica of the sample service as the failover client meets it: an in-process replica
 * on real etcd (replica-harness.ts) behind the real service app (makeServiceApp) bound to
 * a real loopback socket through the gateway's own HTTP adapter. Its location, published
 * in the etcd leader value and hence in 421 answers, is the socket's URL.
 */
import { Effect, Fiber } from "effect"
import { scopedHttpServer } from "../../src/adapters/http-server.ts"
import { numberList, type NumberList } from "../../src/actors/replica/index.ts"
import { makeServiceApp } from "../../src/actors/replica/http/service-app.ts"
import { defaultServiceLimits } from "../../src/actors/replica/http/service-deps.ts"
import { VERSION } from "../../src/app/version.ts"
import { reportOf } from "../../src/host/readiness.ts"
import { makeMetrics } from "../../src/observability/metrics.ts"
import { type RunningReplica, startReplica, testSettings, waitFor } from "./replica-harness.ts"

/** A port nobody listens on right now. */
export const freePort = (): number => {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data: () => undefined } })
  const port = server.port
  server.stop(true)
  return port
}

/** A replica and its HTTP front. */
export interface ServedReplica {
  readonly node: string
  /** `http://127.0.0.1:<port>`: its location. */
  readonly url: string
  readonly replica: RunningReplica<NumberList>
  /** Stops answering HTTP: connections are refused from now on. */
  readonly closeHttp: () => Promise<void>
  /** Crashes the replica (keep-alives stop, nothing resigns) and closes its HTTP front: a dead machine. */
  readonly kill: () => Promise<void>
  /** Stops both cleanly. */
  readonly stop: () => Promise<void>
}

/** Starts replica `node` of `serviceId` on `endpoints`, served on a free port, and waits until it answers /healthz. */
export const startServedReplica = async (node: string, serviceId: string, endpoints: readonly string[]): Promise<ServedReplica> => {
  const port = freePort()
  const url = `http://127.0.0.1:${port}`
  const replica = await startReplica(testSettings(node, serviceId, endpoints, { location: url, leaseTtlS: 2, stepDownAfterMs: 1400 }), numberList)
  const app = makeServiceApp({ version: VERSION, replica: replica.handle, metrics: makeMetrics(), limits: defaultServiceLimits, readiness: () => reportOf([replica.etcdContact]) })
  const fiber = Effect.runFork(Effect.scoped(Effect.flatMap(scopedHttpServer(app, `127.0.0.1:${port}`), () => Effect.never)))
  let up = false
  const probe = async () => {
    up = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(500) }).then((r) => r.ok, () => false)
  }
  await waitFor(`${node}'s HTTP front`, () => {
    void probe()
    return up
  }, 10_000)
  let httpOpen = true
  const closeHttp = async () => {
    if (!httpOpen) return
    httpOpen = false
    await Effect.runPromise(Fiber.interrupt(fiber))
  }
  return {
    node,
    url,
    replica,
    closeHttp,
    kill: async () => {
      replica.handle.crash()
      await closeHttp()
    },
    stop: async () => {
      await closeHttp()
      await replica.stop()
    },
  }
}
