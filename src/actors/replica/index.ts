/**
 * replica: holds this host's place in paper B's etcd request log (`Log/<i>`, `LogSize`,
 * `LPI/<node>`). At this stage it connects to the etcd cluster and reads where the log
 * stands and how far this node has applied it; election, fenced appends and apply
 * build on this.
 */
import { Effect } from "effect"
import { etcdCall, scopedEtcd } from "../../adapters/etcd.ts"
import { etcdOptionsFrom } from "../../app/connections.ts"
import type { HostContext } from "../../app/host-context.ts"
import type { ChildSpec } from "../../runtime/child-spec.ts"

/** The etcd keys of paper B, under the service's prefix. */
export const logKeys = (serviceId: string) => ({
  logSize: `${serviceId}/LogSize`,
  entry: (index: number) => `${serviceId}/Log/${index}`,
  lpi: (node: string) => `${serviceId}/LPI/${node}`,
})

/** Event names this actor logs. */
export const replicaEvents = { connected: "replica.connected" } as const

/** Builds the replica actor for this host. */
export const replica = (ctx: HostContext): ChildSpec => {
  const log = ctx.log.forActor("replica")
  const keys = logKeys(ctx.config.replica.service_id)
  const init = Effect.gen(function* () {
    const etcd = yield* scopedEtcd(etcdOptionsFrom(ctx.config))
    const logSize = Number((yield* etcdCall(etcd, "get LogSize", (c) => c.get(keys.logSize).string())) ?? "0")
    const lpi = Number((yield* etcdCall(etcd, "get LPI", (c) => c.get(keys.lpi(ctx.host.name)).string())) ?? "0")
    log.info(replicaEvents.connected, { endpoints: ctx.config.etcd.endpoints, logSize, lpi })
    return Effect.never
  })
  return { id: "replica", init, restart: "permanent", shutdownMs: 5_000 }
}
