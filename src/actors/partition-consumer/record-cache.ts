/**
 * The records a partition executor reads and writes, over the host's status view. What
 * the executor commits is remembered here at once (and applied to the view), so a copy
 * of a request that arrives right behind it sees the record before it comes back from
 * Kafka. The memory is bounded: the oldest remembered records give way, and the view
 * still has them.
 */
import type { StatusRecord } from "../../domain/status.ts"
import type { RecordCache } from "../../execution/ports.ts"
import type { StatusView } from "../status-view/index.ts"

/** Records remembered per executor beyond what the view holds. */
const remembered = 20_000

/** A cache over `view`. */
export const makeRecordCache = (view: StatusView): RecordCache => {
  const mine = new Map<string, StatusRecord>()
  // The view's unfinished records, each replaced by what this executor committed since, if newer and still unfinished.
  const newestUnfinished = (records: readonly StatusRecord[], before = Number.MAX_SAFE_INTEGER) =>
    records.flatMap((r) => {
      const newest = mine.get(r.id) ?? r
      return (newest.status === "signed" || newest.status === "submitted") && newest.at < before ? [newest] : []
    })
  return {
    get: (id) => mine.get(id) ?? view.get(id),
    remember: (records) => {
      for (const r of records) {
        mine.delete(r.id)
        mine.set(r.id, r)
      }
      while (mine.size > remembered) {
        const oldest = mine.keys().next()
        if (oldest.done) break
        mine.delete(oldest.value)
      }
      view.applyCommitted(records)
    },
    highestNonce: (sender) => view.highestNonce(sender),
    awaitingOf: (sender) => newestUnfinished(view.awaitingOfSender(sender)),
    awaitingIn: (partition, before) => newestUnfinished(view.awaitingRecordedIn(partition, before), before),
    cancelRequested: (id) => view.cancelRequested(id),
  }
}
