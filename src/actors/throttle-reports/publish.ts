/**
 * throttle-reporter (consumer role): keeps this process's throttle report in etcd,
 * rewritten every 2 s (`throttleReportRound`) under a lease of `reportTtlS` seconds, so
 * a producer host's operations page can show nodes it does not call itself. When the process stops the
 * lease is revoked and the report goes with it; when it dies the lease runs out. It
 * never fails its supervisor: without etcd it waits and tries again, since no request
 * depends on it, and says so once an outage (again each minute it lasts, with the count
 * of failed tries) and once when it is back, rather than on every try.
 */
import { Duration, Effect } from "effect"
import { etcdTxn, grantLease, renewLease, revokeLease, scopedEtcd } from "../../adapters/etcd.ts"
import { describe } from "../../adapters/errors.ts"
import { encodeThrottleReport, throttleReportKey, throttleReportPrefix } from "../../domain/throttle-report.ts"
import { etcdOptionsFrom } from "../../host/connections.ts"
import type { HostContext } from "../../host/host-context.ts"
import type { ChildSpec } from "../../runtime/child-spec.ts"
import { throttleReportRetryDelay, throttleReportRound } from "../../runtime/schedules.ts"
import type { NodeThrottle } from "../node-throttler/index.ts"
import { throttleReportEvents } from "./events.ts"
import { throttleFigures } from "./figures.ts"
import { makeOutageLines, type OutageLine } from "./outage-lines.ts"

/** How long the report outlives a process that stops rewriting it (every 2 s, `throttleReportRound`). */
export const reportTtlS = 10

/** How often a lasting outage is logged again. */
const outageLogEveryMs = 60_000

/** Builds the reporter of `throttles` (this process's). */
export const throttleReporter = (ctx: HostContext, throttles: readonly NodeThrottle[]): ChildSpec => {
  const log = ctx.log.forActor("throttle-reporter")
  const configs = new Map(ctx.config.nodes.map((n) => [n.name, n]))
  const key = throttleReportKey(throttleReportPrefix(ctx.config.kafka.consumer.group_id), ctx.host.name, process.pid)
  const report = () => encodeThrottleReport({ host: ctx.host.name, pid: process.pid, at: Date.now(), nodes: throttles.map((t) => throttleFigures(t, configs.get(t.name))) })

  const outage = makeOutageLines(outageLogEveryMs)
  const say = (line: OutageLine, error?: unknown) => {
    if (line._tag === "Failing")
      log.warn(throttleReportEvents.publishFailed, {
        error: describe(error),
        failedTries: line.failedTries,
        effect: `producer hosts' operations pages show no figures for this process's nodes until etcd answers; trying again every ${Duration.toSeconds(throttleReportRetryDelay)} s, and saying so again each minute`,
      })
    else if (line._tag === "Resumed") log.info(throttleReportEvents.publishResumed, { failedTriesSinceLastLine: line.failedTriesSinceLastLine })
  }
  const session = Effect.scoped(
    Effect.gen(function* () {
      const etcd = yield* scopedEtcd(etcdOptionsFrom(ctx.config))
      const lease = yield* grantLease(etcd, reportTtlS)
      yield* Effect.sync(() => say(outage.succeeded()))
      yield* Effect.addFinalizer(() => Effect.ignore(revokeLease(etcd, lease, 1_000)))
      // Suspended, so each round writes the figures of its own moment.
      const once = Effect.andThen(
        Effect.suspend(() => etcdTxn(etcd, "throttle report put", [], [{ _tag: "put", key, value: report(), lease }])),
        renewLease(etcd, lease, ctx.config.etcd.dial_timeout_ms),
      )
      return yield* Effect.repeat(once, throttleReportRound)
    }),
  )
  const loop = Effect.forever(
    session.pipe(Effect.catch((error) => Effect.andThen(Effect.sync(() => say(outage.failed(Date.now()), error)), Effect.sleep(throttleReportRetryDelay)))),
  )
  return { id: "throttle-reporter", init: Effect.succeed(Effect.asVoid(loop)), restart: "permanent", shutdownMs: 2_000 }
}
