/**
 * The supervision tree of one host, built from its roles. Start order is chosen for the
 * drain: children stop in reverse, so the intake (producer) stops taking work first,
 * then the consumers finish or hand back what they hold, then the registry-watcher and
 * finally the replica.
 *
 * The replica role builds ONE replica (`hostReplica`) and shares its handle with the
 * sample service's HTTP front (`replica-http`, where the dashboard mounts too) and the
 * registry-watcher; the watcher fills the host's `RegistryFeed`, which the dashboard reads.
 *
 *   host:<name> (one_for_one)
 *   ├─ replica
 *   ├─ replica-http            (replica role: the sample service on the host's replica listen)
 *   ├─ registry-watcher
 *   ├─ status-view             (producer or consumer role: sendto.results → sqlite)
 *   ├─ webhook-book            (producer or consumer role: the webhooks topic → memory)
 *   ├─ notifier                (consumer role, while [webhooks].enabled: status changes → webhook endpoints)
 *   ├─ consumer (rest_for_one)
 *   │  ├─ node-throttler:<node>  (one per node the host uses)
 *   │  ├─ read-front             (follows each chain's head for the read cache)
 *   │  └─ partition-consumer     (one executor fiber per assigned partition, with its tracker)
 *   ├─ throttle-reporter         (consumer role: this process's node throttles into etcd, for the operations pages)
 *   ├─ status-sampler            (producer role: status counts every 5 s for the operations page's chart)
 *   ├─ throttle-report-reader    (producer role: the consumer processes' throttle reports from etcd)
 *   └─ producer                  (the intake; it serves reads through the read-front when the host has the consumer role, and the operations page at /ops)
 */
import { partitionConsumer } from "../actors/partition-consumer/index.ts"
import { makeNodePool, type NodeThrottle, nodeThrottler } from "../actors/node-throttler/index.ts"
import { statusView, type StatusView } from "../actors/status-view/index.ts"
import { producer } from "../actors/producer/index.ts"
import { notifier } from "../actors/notifier/index.ts"
import { webhookBook } from "../actors/webhook-book/index.ts"
import { webhookSettingsOf } from "../config/gateway-config.ts"
import { readFront } from "../actors/read-front/index.ts"
import { makeWriteBacklog } from "../execution/write-backlog.ts"
import type { ReadService } from "../reads/read-service.ts"
import { makeRegistryFeed, type RegistryFeed, registryWatcher } from "../actors/registry-watcher/index.ts"
import { hostDashboard } from "../dashboard/index.ts"
import { hostReplica, type NumberList, type ReplicaHandle, replicaHttp, type ServiceMount } from "../actors/replica/index.ts"
import type { Role } from "../config/role.ts"
import { statusSampler } from "../actors/status-sampler/index.ts"
import { makeThrottleReportCell, throttleReporter, throttleReportReader } from "../actors/throttle-reports/index.ts"
import { defaultSampleEveryMs, makeStatusSeries } from "../status/status-series.ts"
import { operationsMount } from "./operations-mount.ts"
import type { ChildSpec } from "../runtime/child-spec.ts"
import type { SupervisorSpec } from "../runtime/supervisor-spec.ts"
import { restartBackoffWithin } from "../runtime/schedules.ts"
import { supervisorChild } from "../runtime/supervisor.ts"
import type { HostContext } from "../host/host-context.ts"

/** Restart limits from `[runtime]`: more restarts than this within the window escalate. */
const intensityOf = (ctx: HostContext) => ({ maxRestarts: ctx.config.runtime.max_restarts, withinMs: ctx.config.runtime.restart_window_ms })
const backoffOf = (ctx: HostContext) => restartBackoffWithin(ctx.config.runtime.backoff_base_ms, ctx.config.runtime.backoff_max_ms)
/** `[runtime].shutdown_timeout_ms` bounds every actor's own stop budget (a nested supervisor's is its children's, bounded each). */
const capStop = (ctx: HostContext) => (child: ChildSpec): ChildSpec =>
  Number.isFinite(child.shutdownMs) ? { ...child, shutdownMs: Math.min(child.shutdownMs, ctx.config.runtime.shutdown_timeout_ms) } : child

/**
 * The consumer role: node throttlers first (the consumer and the read front call through
 * them), then the read front, then the group. Returns the read service for the intake.
 */
const consumerTree = (ctx: HostContext, view: StatusView): { readonly spec: SupervisorSpec; readonly reads: ReadService; readonly throttles: readonly NodeThrottle[] } => {
  const nodes = ctx.config.nodes.filter((n) => ctx.host.nodes.includes(n.name))
  const throttlers = nodes.map((n) => nodeThrottler(ctx, n))
  const pool = makeNodePool(throttlers.map((t) => t.throttle))
  // The executors' held requests: while there are any, reads yield the host's CPU to them.
  const backlog = makeWriteBacklog()
  const front = readFront(ctx, pool, backlog.held)
  const consumer = partitionConsumer(ctx, front.noticing(pool), view, backlog)
  const spec: SupervisorSpec = {
    id: "consumer",
    strategy: "rest_for_one",
    intensity: intensityOf(ctx),
    backoff: backoffOf(ctx),
    children: [...throttlers.map((t) => t.spec), front.spec, consumer.spec].map(capStop(ctx)),
  }
  return { spec, reads: front.service, throttles: throttlers.map((t) => t.throttle) }
}

/** Routes mounted on the sample service's app next to its own (the dashboard's). */
const serviceMounts = (ctx: HostContext, replica: ReplicaHandle<NumberList>, feed: RegistryFeed): ServiceMount[] => [hostDashboard(ctx, replica, feed)]

/**
 * Builds the root spec for the host's roles (already resolved from config or `--role`).
 * `ready` (the marker that logs `gateway.ready`) starts once every child the roles need
 * to serve has started; the children that only feed the operations page start after it,
 * so their start (the throttle-report reporter and reader load etcd3, about 130 ms of
 * the one thread) is not paid by the host's readiness.
 */
export const hostTree = (ctx: HostContext, roles: readonly Role[], version: string, ready: readonly ChildSpec[] = []): SupervisorSpec => {
  const children: ChildSpec[] = []
  const afterReady: ChildSpec[] = []
  const feed = makeRegistryFeed()
  const service = roles.includes("replica") ? hostReplica(ctx) : undefined
  if (service) children.push(service.spec, replicaHttp(ctx, service.handle, version, serviceMounts(ctx, service.handle, feed)))
  if (roles.includes("registry-watcher")) children.push(registryWatcher(ctx, service?.handle, feed))
  if (roles.includes("producer") || roles.includes("consumer")) {
    const status = statusView(ctx)
    const hooks = webhookBook(ctx)
    children.push(status.spec, hooks.spec)
    // The notifier starts before the executors and stops after them, so on a drain the
    // status changes they record last are still followed until the notifier's own stop.
    if (roles.includes("consumer") && webhookSettingsOf(ctx.config.webhooks).enabled) children.push(notifier(ctx, hooks.view))
    const consumer = roles.includes("consumer") ? consumerTree(ctx, status.view) : undefined
    if (consumer !== undefined) {
      children.push(supervisorChild(consumer.spec))
      afterReady.push(throttleReporter(ctx, consumer.throttles))
    }
    if (roles.includes("producer")) {
      const series = makeStatusSeries()
      const reports = makeThrottleReportCell()
      afterReady.push(statusSampler(ctx, status.view.store, series, defaultSampleEveryMs), throttleReportReader(ctx, reports))
      const ops = operationsMount(ctx, { roles, store: status.view.store, series, sampleEveryMs: defaultSampleEveryMs, throttles: consumer?.throttles ?? [], reports })
      children.push(producer(ctx, version, status.view, consumer?.reads, hooks.view, [ops]))
    }
  }
  return { id: `host:${ctx.host.name}`, strategy: "one_for_one", intensity: intensityOf(ctx), backoff: backoffOf(ctx), children: [...children, ...ready, ...afterReady].map(capStop(ctx)) }
}
