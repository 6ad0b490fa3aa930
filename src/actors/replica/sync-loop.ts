/**
 * Paper B's synchronisation, run by every replica (the leader included): read
 * `LogSize`, watch it from that read's revision + 1, and apply entries LPI+1..LogSize in
 * index order (re-reading `LogSize` now and then in case the watch went quiet). A watch that breaks (its revision was compacted, or etcd canceled it)
 * cannot resume, so the loop starts over from a fresh read. Entries below the trimmed
 * point come from the snapshot. The leader also writes snapshots and trims from here,
 * right after it applies, so it snapshots exactly what it has applied.
 */
import { Effect, Queue } from "effect"
import { watchKey } from "../../adapters/etcd.ts"
import { logSizeReread, snapshotGapRetryDelay } from "../../runtime/schedules.ts"
import { applyEntries, type Fetched, planSync } from "./apply-entries.ts"
import { labelsOf, noteSize, type ReplicaCore, updateRole } from "./core.ts"
import { firstIndexOf } from "./dedupe.ts"
import { replicaEvents } from "./events.ts"
import { readEntries, readLogSize, readLpis, readSnapshot, writeSnapshot } from "./log-store.ts"
import { retryEtcd } from "./retry.ts"
import { decodeSnapshot, encodeSnapshot } from "./snapshot-codec.ts"
import { snapshotDue, trimBound } from "./trim.ts"

/** Entries fetched per range read. */
export const fetchBatch = 500

/** The sync loop of one replica; runs until interrupted. */
export const syncLoop = <S>(core: ReplicaCore<S>): Effect.Effect<never> => Effect.forever(Effect.scoped(syncRound(core)))

/** One read-watch-apply round; returns when the watch breaks. */
const syncRound = <S>(core: ReplicaCore<S>) =>
  Effect.gen(function* () {
    const labels = labelsOf(core)
    const read = yield* retryEtcd(core.log, labels, readLogSize(core.etcd, core.keys))
    noteSize(core, read.size)
    yield* watchKey(core.etcd, core.keys.logSize, read.revision + 1, {
      onPut: (kv) => void Queue.offerUnsafe(core.signals, { _tag: "size", size: Number(kv.value) }),
      onReconnected: () => void Queue.offerUnsafe(core.signals, { _tag: "poke" }),
      onBroken: () => void Queue.offerUnsafe(core.signals, { _tag: "broken" }),
    })
    yield* Effect.forkScoped(Effect.forever(Effect.andThen(Effect.sleep(logSizeReread), Effect.sync(() => Queue.offerUnsafe(core.signals, { _tag: "poke" })))))
    while (true) {
      yield* catchUp(core)
      const signals = yield* Queue.takeAll(core.signals)
      if (signals.some((s) => s._tag === "broken")) {
        core.stats.resyncs += 1
        core.metrics?.resyncs.inc(labels)
        core.log.warn(replicaEvents.resynced, { ...labels, lpi: core.applied.index, watched_from: read.revision + 1 })
        return
      }
      for (const s of signals) if (s._tag === "size") noteSize(core, s.size)
      if (signals.some((s) => s._tag === "poke")) noteSize(core, (yield* retryEtcd(core.log, labels, readLogSize(core.etcd, core.keys))).size)
    }
  })

/** Entries `from..to` if this replica appended all of them itself (no need to read them back). */
const cached = <S>(core: ReplicaCore<S>, from: number, to: number): Fetched[] | undefined => {
  const out: Fetched[] = []
  for (let i = from; i <= to; i++) {
    const entry = core.known.get(i)
    if (entry === undefined) return undefined
    out.push({ index: i, entry })
  }
  return out
}

/** Applies entries until the LPI reaches the known `LogSize`. */
const catchUp = <S>(core: ReplicaCore<S>) =>
  Effect.gen(function* () {
    const labels = labelsOf(core)
    while (core.applied.index < core.logSize) {
      const from = core.applied.index + 1
      const to = Math.min(core.logSize, from + fetchBatch - 1)
      const fetched = cached(core, from, to) ?? (yield* retryEtcd(core.log, labels, readEntries(core.etcd, core.keys, from, to)))
      const step = planSync(core.applied.index, core.logSize, fetched)
      if (step._tag === "idle") return
      if (step._tag === "apply") {
        applyStep(core, step.entries)
        yield* maybeSnapshot(core)
        continue
      }
      if (!(yield* loadSnapshot(core, step.firstAvailable))) yield* Effect.sleep(snapshotGapRetryDelay)
    }
  })

const applyStep = <S>(core: ReplicaCore<S>, entries: readonly Fetched[]) => {
  const { next, outcomes } = applyEntries(core.machine, core.applied, entries)
  core.applied = next
  for (const i of core.known.keys()) if (i <= next.index) core.known.delete(i)
  core.waiters.settle(outcomes)
  core.metrics?.lpi.set(next.index, labelsOf(core))
  updateRole(core, { _tag: "applied", lpi: next.index })
}

/** Replaces the applied state with the stored snapshot; false if it does not cover the gap. */
const loadSnapshot = <S>(core: ReplicaCore<S>, firstAvailable: number | undefined) =>
  Effect.gen(function* () {
    const labels = labelsOf(core)
    const text = yield* retryEtcd(core.log, labels, readSnapshot(core.etcd, core.keys))
    const snap = text === undefined ? undefined : decodeSnapshot(core.machine, text)
    const covers = snap !== undefined && snap.index > core.applied.index && (firstAvailable === undefined || snap.index >= firstAvailable - 1)
    if (!covers) {
      core.log.error(replicaEvents.logGap, { ...labels, lpi: core.applied.index, first_available: firstAvailable ?? null, snapshot_index: snap?.index ?? null })
      return false
    }
    core.applied = { state: snap.state, index: snap.index, dedupe: snap.dedupe }
    core.snapshotIndex = Math.max(core.snapshotIndex, snap.index)
    core.trimmedTo = Math.max(core.trimmedTo, snap.trimmedTo)
    core.stats.snapshotLoads += 1
    for (const id of core.waiters.ids()) {
      const index = firstIndexOf(snap.dedupe, id)
      if (index !== undefined) core.waiters.settleId(id, index)
    }
    core.metrics?.lpi.set(snap.index, labels)
    core.log.info(replicaEvents.snapshotLoaded, { ...labels, index: snap.index, trimmed_to: snap.trimmedTo, epoch: snap.epoch })
    updateRole(core, { _tag: "applied", lpi: snap.index })
    return true
  })

/**
 * The leader, every `snapshotEvery` entries: writes the state it has applied and trims
 * the log below the lowest live LPI, in one transaction fenced on its epoch. A failed
 * attempt is tried again after the next apply.
 */
const maybeSnapshot = <S>(core: ReplicaCore<S>) =>
  Effect.gen(function* () {
    const role = core.role
    if (role._tag !== "leader" || !snapshotDue(core.applied.index, core.snapshotIndex, core.settings.snapshotEvery)) return
    const labels = labelsOf(core)
    const at = core.applied
    const lpis = yield* Effect.result(readLpis(core.etcd, core.keys))
    if (lpis._tag === "Failure") return core.log.warn(replicaEvents.etcdRetry, { ...labels, operation: "snapshot", detail: lpis.failure.message })
    const bound = trimBound([...lpis.success.values(), at.index], at.index, core.trimmedTo)
    const trimmedTo = bound ?? core.trimmedTo
    const text = encodeSnapshot(core.machine, { index: at.index, epoch: role.epoch, trimmedTo, state: at.state, dedupe: at.dedupe })
    const written = yield* Effect.result(writeSnapshot(core.etcd, core.keys, role.epoch, text, bound))
    if (written._tag === "Failure") return core.log.warn(replicaEvents.etcdRetry, { ...labels, operation: "snapshot", detail: written.failure.message })
    if (!written.success) {
      core.log.warn(replicaEvents.fenced, { ...labels, epoch: role.epoch, operation: "snapshot" })
      return updateRole(core, { _tag: "fenced" })
    }
    core.snapshotIndex = Math.max(core.snapshotIndex, at.index)
    core.trimmedTo = Math.max(core.trimmedTo, trimmedTo)
    core.log.info(replicaEvents.snapshotWritten, { ...labels, index: at.index, trimmed_to: trimmedTo, bytes: text.length, live_replicas: lpis.success.size })
  })
