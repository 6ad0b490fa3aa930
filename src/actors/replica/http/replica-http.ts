/**
 * The replica role's HTTP front: serves the sample service app (and whatever the
 * dashboard mounts on it) on the host's replica listen, with the handle of the host's
 * one replica. A supervised child next to the replica, started after it and stopped
 * before it, so in-flight replies get their answer before the replica goes.
 */
import { Effect } from "effect"
import { forwardJson } from "../../../adapters/http-forward.ts"
import { scopedHttpServer } from "../../../adapters/http-server.ts"
import type { HostContext } from "../../../host/host-context.ts"
import { replicaListenOf } from "../../../config/replica-listen.ts"
import type { ChildSpec } from "../../../runtime/child-spec.ts"
import { replicaEvents } from "../events.ts"
import { makeServiceApp, type ServiceMount } from "./service-app.ts"
import { defaultServiceLimits, type ServiceReplica } from "./service-deps.ts"

/** The child spec that serves the sample service for `replica` on this host's replica listen. */
export const replicaHttp = (ctx: HostContext, replica: ServiceReplica, version: string, mounts: readonly ServiceMount[] = []): ChildSpec => {
  const log = ctx.log.forActor("replica-http")
  const listen = replicaListenOf(ctx.config, ctx.host)
  const init = Effect.gen(function* () {
    const app = makeServiceApp({ version, replica, metrics: ctx.metrics, limits: defaultServiceLimits, readiness: ctx.readiness.report, forward: forwardJson }, mounts)
    const server = yield* scopedHttpServer(app, listen)
    log.info(replicaEvents.listening, { url: server.url, node: replica.node, service: ctx.config.replica.service_id })
    return Effect.never
  })
  return { id: "replica-http", init, restart: "permanent", shutdownMs: 5_000 }
}
