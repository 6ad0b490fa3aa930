/**
 * throttle-report-reader (producer role): reads every consumer process's throttle report
 * from etcd every 2 s (`throttleReportRound`) into a cell the operations page reads, so
 * the page of a host that throttles no node still shows each node's cap, limit and latency. Like the
 * reporter it never fails its supervisor; when etcd does not answer the cell keeps the
 * last reports with the time they were read, which the page shows.
 */
import { Duration, Effect } from "effect"
import { etcdRange, prefixEnd, scopedEtcd } from "../../adapters/etcd.ts"
import { describe } from "../../adapters/errors.ts"
import { decodeThrottleReport, throttleReportPrefix, type ThrottleReport } from "../../domain/throttle-report.ts"
import { etcdOptionsFrom } from "../../host/connections.ts"
import type { HostContext } from "../../host/host-context.ts"
import type { ChildSpec } from "../../runtime/child-spec.ts"
import { throttleReportRetryDelay, throttleReportRound } from "../../runtime/schedules.ts"
import { throttleReportEvents } from "./events.ts"

/** The reports as last read. */
export interface ThrottleReports {
  readonly reports: readonly ThrottleReport[]
  /** When they were read (epoch ms); undefined before the first read. */
  readonly readAt: number | undefined
}

/** A cell the reader writes and the page reads. */
export interface ThrottleReportCell {
  readonly get: () => ThrottleReports
  readonly set: (reports: readonly ThrottleReport[], readAt: number) => void
}

/** An empty cell. */
export const makeThrottleReportCell = (): ThrottleReportCell => {
  let current: ThrottleReports = { reports: [], readAt: undefined }
  return { get: () => current, set: (reports, readAt) => void (current = { reports, readAt }) }
}

/** Builds the reader that keeps `cell` current. */
export const throttleReportReader = (ctx: HostContext, cell: ThrottleReportCell): ChildSpec => {
  const log = ctx.log.forActor("throttle-report-reader")
  const prefix = throttleReportPrefix(ctx.config.kafka.consumer.group_id)
  let warnedUnreadable = false
  const session = Effect.scoped(
    Effect.gen(function* () {
      const etcd = yield* scopedEtcd(etcdOptionsFrom(ctx.config))
      const once = Effect.map(etcdRange(etcd, "throttle reports", { key: prefix, end: prefixEnd(prefix) }), (range) => {
        const reports: ThrottleReport[] = []
        for (const kv of range.kvs) {
          const decoded = decodeThrottleReport(kv.value)
          if (decoded.ok) reports.push(decoded.value)
          else if (!warnedUnreadable) {
            warnedUnreadable = true
            log.warn(throttleReportEvents.unreadable, { key: kv.key, problem: decoded.problem, effect: "that report is left out of the operations page" })
          }
        }
        cell.set(reports, Date.now())
      })
      return yield* Effect.repeat(once, throttleReportRound)
    }),
  )
  const loop = Effect.forever(
    session.pipe(
      Effect.catch((error) => Effect.andThen(
        Effect.sync(() => log.warn(throttleReportEvents.readFailed, { error: describe(error), effect: `the operations page keeps the last reports it read; trying again in ${Duration.toSeconds(throttleReportRetryDelay)} s` })),
        Effect.sleep(throttleReportRetryDelay),
      )),
    ),
  )
  return { id: "throttle-report-reader", init: Effect.succeed(Effect.asVoid(loop)), restart: "permanent", shutdownMs: 2_000 }
}
