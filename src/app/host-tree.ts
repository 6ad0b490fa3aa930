/**
 * The supervision tree of one host, built from its roles. Start order is chosen for the
 * drain: children stop in reverse, so the intake (producer) stops taking work first,
 * then the consumers finish or hand back what they hold, then the registry-watcher and
 * finally the replica.
 *
 *   host:<name> (one_for_one)
 *   ├─ replica
 *   ├─ registry-watcher
 *   ├─ consumer (rest_for_one)
 *   │  ├─ node-throttler:<node>  (one per node the host uses)
 *   │  └─ partition-consumer
 *   └─ producer
 */
import { partitionConsumer } from "../actors/partition-consumer/index.ts"
import { nodeThrottler } from "../actors/node-throttler/index.ts"
import { producer } from "../actors/producer/index.ts"
import { registryWatcher } from "../actors/registry-watcher/index.ts"
import { replica } from "../actors/replica/index.ts"
import type { Role } from "../config/role.ts"
import type { ChildSpec } from "../runtime/child-spec.ts"
import type { SupervisorSpec } from "../runtime/supervisor-spec.ts"
import { supervisorChild } from "../runtime/supervisor.ts"
import type { HostContext } from "./host-context.ts"

/** Restart limits from `[runtime]`: more restarts than this within the window escalate. */
const intensityOf = (ctx: HostContext) => ({ maxRestarts: ctx.config.runtime.max_restarts, withinMs: ctx.config.runtime.restart_window_ms })

/** The consumer role: node throttlers first (the consumer calls through them), then the group. */
const consumerTree = (ctx: HostContext): SupervisorSpec => {
  const nodes = ctx.config.nodes.filter((n) => ctx.host.nodes.includes(n.name))
  const throttlers = nodes.map((n) => nodeThrottler(ctx, n))
  return {
    id: "consumer",
    strategy: "rest_for_one",
    intensity: intensityOf(ctx),
    children: [...throttlers.map((t) => t.spec), partitionConsumer(ctx, throttlers.map((t) => t.throttle))],
  }
}

/** Builds the root spec for the host's roles (already resolved from config or `--role`). */
export const hostTree = (ctx: HostContext, roles: readonly Role[], version: string, last: readonly ChildSpec[] = []): SupervisorSpec => {
  const children: ChildSpec[] = []
  if (roles.includes("replica")) children.push(replica(ctx))
  if (roles.includes("registry-watcher")) children.push(registryWatcher(ctx))
  if (roles.includes("consumer")) children.push(supervisorChild(consumerTree(ctx)))
  if (roles.includes("producer")) children.push(producer(ctx, version))
  return { id: `host:${ctx.host.name}`, strategy: "one_for_one", intensity: intensityOf(ctx), children: [...children, ...last] }
}
