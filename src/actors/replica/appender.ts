/**
 * The serving leader's append loop: takes every request waiting, packs them into as few
 * fenced transactions as etcd allows (group commit: concurrent clients share a
 * transaction), and hands what it wrote straight to the sync loop. Replies stay parked
 * until the sync loop applies the entries here. A transaction whose answer is lost is
 * settled by reading back the log, never by guessing.
 */
import { Effect, Queue } from "effect"
import { planAppends, type Placed } from "./append-batch.ts"
import { labelsOf, noteSize, notLeader, type ReplicaCore, updateRole } from "./core.ts"
import { replicaEvents } from "./events.ts"
import type { LogEntry } from "./log-entry.ts"
import { type AppendPosition, type AppendResult, appendEntries, inspectAppend } from "./log-store.ts"
import { retryEtcd } from "./retry.ts"

/** One append, settled: if etcd did not answer, read the log back until it does. */
const settleAppend = <S>(core: ReplicaCore<S>, epoch: number, position: AppendPosition, batch: readonly Placed[]): Effect.Effect<AppendResult> => {
  const first = batch[0]
  const labels = { ...labelsOf(core), epoch }
  return Effect.catch(appendEntries(core.etcd, core.keys, epoch, position, batch), () =>
    first === undefined ? Effect.succeed<AppendResult>({ _tag: "moved", position }) : retryEtcd(core.log, labels, inspectAppend(core.etcd, core.keys, epoch, position, first)))
}

/** Appends everything submitted, in arrival order, for as long as this epoch leads. */
export const appendLoop = <S>(core: ReplicaCore<S>, epoch: number, start: AppendPosition): Effect.Effect<never> =>
  Effect.suspend(() => {
    let position = start
    const labels = labelsOf(core)
    return Effect.forever(
      Effect.gen(function* () {
        const taken = yield* Queue.takeAll(core.pending)
        let remaining: LogEntry[] = taken.map((s) => ({ id: s.id, epoch, payload: s.payload }))
        while (remaining.length > 0) {
          const batch = planAppends(position.size, remaining)[0] ?? []
          const started = performance.now()
          const result = yield* settleAppend(core, epoch, position, batch)
          core.metrics?.appendSeconds.observe((performance.now() - started) / 1000, labels)
          switch (result._tag) {
            case "appended":
              position = result.position
              for (const p of batch) core.known.set(p.index, p.entry)
              core.waiters.markCommitted(batch.map((p) => p.entry.id))
              core.metrics?.appended.inc(labels, batch.length)
              noteSize(core, position.size)
              Queue.offerUnsafe(core.signals, { _tag: "size", size: position.size })
              remaining = remaining.slice(batch.length)
              break
            case "moved":
              core.log.warn(replicaEvents.etcdRetry, { ...labels, operation: "append", detail: `LogSize moved to ${result.position.size}; appending there` })
              position = result.position
              break
            case "fenced":
              core.leader = result.leader
              core.waiters.reject(remaining.map((e) => e.id), notLeader(core, core.settings.node, "stepped-down"))
              core.log.warn(replicaEvents.fenced, { ...labels, epoch, operation: "append", leader: result.leader?.node ?? null })
              updateRole(core, { _tag: "fenced" })
              return yield* Effect.never
          }
        }
      }),
    )
  })
