/**
 * read-front: the host's read service (src/reads/) over its node pool, and the actor that
 * keeps it true by following each chain's head. The intake serves the reads; the
 * consumer's pool is wrapped so that a send from the Bitcoin wallet drops the wallet's
 * cached answers at once, without waiting for the next block.
 */
import { Effect } from "effect"
import type { HostContext } from "../../host/host-context.ts"
import { readsSettingsOf } from "../../config/gateway-config.ts"
import { makeReadService, type ReadService } from "../../reads/read-service.ts"
import type { ChildSpec } from "../../runtime/child-spec.ts"
import type { NodePool } from "../node-throttler/index.ts"
import { readFrontEvents } from "./events.ts"

/** Wallet calls after which the wallet's balances, coins and transactions read differently. */
const walletWrites = new Set(["sendrawtransaction", "sendtoaddress", "sendfrom", "sendmany", "lockunspent"])

/** The read service and its head-following actor. */
export interface ReadFront {
  readonly service: ReadService
  readonly spec: ChildSpec
  /** `pool` with the wallet's sends reported to the read cache; give it to the executors. */
  readonly noticing: (pool: NodePool) => NodePool
}

/** Builds the read front over `pool`; `writesHeld` is the requests the host's executors hold, which reads yield to. */
export const readFront = (ctx: HostContext, pool: NodePool, writesHeld: () => number): ReadFront => {
  const log = ctx.log.forActor("read-front")
  const service = makeReadService({ nodes: pool, settings: readsSettingsOf(ctx.config.reads), writesHeld, log, metrics: ctx.metrics })
  const chainOf = (node: string) => pool.throttles.find((t) => t.name === node)?.chain
  const after = (node: string, methods: readonly string[]) => () =>
    Effect.sync(() => {
      if (chainOf(node) === "bitcoin" && methods.some((m) => walletWrites.has(m))) service.noteWrite("bitcoin")
    })
  const init = Effect.sync(() => {
    log.info(readFrontEvents.following, { chains: service.chains, every_ms: service.settings.headPollMs })
    return service.follow
  })
  return {
    service,
    spec: { id: "read-front", init, restart: "permanent", shutdownMs: 1000 },
    noticing: (inner) => ({
      ...inner,
      callNode: (node, method, params) => Effect.ensuring(inner.callNode(node, method, params), Effect.suspend(after(node, [method]))),
      callNodeBatch: (node, calls) => Effect.ensuring(inner.callNodeBatch(node, calls), Effect.suspend(after(node, calls.map((c) => c.method)))),
    }),
  }
}
