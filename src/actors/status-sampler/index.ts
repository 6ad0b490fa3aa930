/**
 * status-sampler: samples the status view's counts per status into the operations
 * page's ring, once at start and then every `everyMs`, so the page can draw requests by
 * status over time without a time-series database. It runs on hosts with the producer
 * role (the page is served by the intake), after the status view. The ring lives
 * outside the actor, so a restart keeps the samples taken so far.
 */
import { Effect } from "effect"
import type { HostContext } from "../../host/host-context.ts"
import type { ChildSpec } from "../../runtime/child-spec.ts"
import { statusSampling } from "../../runtime/schedules.ts"
import type { StatusStore } from "../../status/store.ts"
import type { StatusSeries } from "../../status/status-series.ts"
import { statusSamplerEvents } from "./events.ts"

export { statusSamplerEvents } from "./events.ts"

/** Builds the sampler: `store`'s counts into `series` every `everyMs`. */
export const statusSampler = (ctx: HostContext, store: StatusStore, series: StatusSeries, everyMs: number): ChildSpec => {
  const log = ctx.log.forActor("status-sampler")
  const sampleOnce = Effect.try({
    try: () => series.add({ at: Date.now(), counts: store.countsSoFar() }),
    catch: (cause) => cause,
  }).pipe(Effect.catch((cause) => Effect.sync(() => log.warn(statusSamplerEvents.sampleFailed, { error: String(cause), effect: "this sample is skipped; the chart has a gap" }))))
  const init = Effect.succeed(Effect.asVoid(Effect.repeat(sampleOnce, statusSampling(everyMs))))
  return { id: "status-sampler", init, restart: "permanent", shutdownMs: 1_000 }
}
