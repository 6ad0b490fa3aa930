/**
 * Paper B's request log as etcd operations, each one transaction or range read. This is
 * where invariant 5 is enforced: every append and every snapshot compares the leader
 * key's create revision with the writer's epoch, so a deposed leader's write fails in
 * etcd, and an append also compares `LogSize`'s mod revision, so two appends can never
 * claim the same index (a read-then-write lost 31 of 200 here).
 */
import { Effect } from "effect"
import {
  type EtcdCluster,
  type EtcdLease,
  type EtcdLeaseExpired,
  etcdRange,
  etcdTxn,
  prefixEnd,
} from "../../adapters/etcd.ts"
import type { EtcdUnavailable } from "../../adapters/errors.ts"
import type { Fetched } from "./apply-entries.ts"
import type { Placed } from "./append-batch.ts"
import { entryIndexOf, type ReplicaKeys } from "./keys.ts"
import { decodeEntry } from "./log-entry.ts"
import { campaignOutcome, type CampaignResult } from "./campaign-outcome.ts"
import { decodeLeaderValue, type LeaderValue } from "./leader-value.ts"
import { type AppendPosition, positionOf } from "./log-position.ts"

export type { AppendPosition } from "./log-position.ts"
export type { CampaignResult } from "./campaign-outcome.ts"

/** `LogSize` as read: its value, its mod revision (0 while it does not exist) and the store revision of the read. */
export interface SizeRead {
  readonly size: number
  readonly modRevision: number
  readonly revision: number
}

/** Reads `LogSize`. */
export const readLogSize = (etcd: EtcdCluster, keys: ReplicaKeys): Effect.Effect<SizeRead, EtcdUnavailable> =>
  Effect.map(etcdRange(etcd, "get LogSize", { key: keys.logSize }), (r) => ({ ...positionOf(r.kvs[0]), revision: r.revision }))

/** Reads the entries `from..to` that still exist, in index order. */
export const readEntries = (etcd: EtcdCluster, keys: ReplicaKeys, from: number, to: number): Effect.Effect<Fetched[], EtcdUnavailable> =>
  Effect.map(etcdRange(etcd, "get Log range", { key: keys.entry(from), end: keys.entry(to + 1) }), (r) =>
    r.kvs.flatMap((kv) => {
      const index = entryIndexOf(keys, kv.key)
      return index === undefined ? [] : [{ index, entry: decodeEntry(kv.value) }]
    }))

/** Tries to create the leader key on `lease`; succeeds only if no one holds it, and then reads `LogSize` atomically. */
export const campaign = (
  etcd: EtcdCluster,
  keys: ReplicaKeys,
  value: string,
  lease: EtcdLease,
): Effect.Effect<CampaignResult, EtcdUnavailable | EtcdLeaseExpired> =>
  Effect.map(
    etcdTxn(
      etcd,
      "campaign",
      [{ key: keys.leader, target: "create", equals: 0 }],
      [{ _tag: "put", key: keys.leader, value, lease }, { _tag: "get", key: keys.logSize }],
      [{ _tag: "get", key: keys.leader }, { _tag: "get", key: keys.logSize }],
    ),
    (r) => campaignOutcome(r, value),
  )

/** What a fenced append did. */
export type AppendResult =
  /** The entries are in the log; the log now ends at `position`. */
  | { readonly _tag: "appended"; readonly position: AppendPosition; readonly revision: number }
  /** The leader key is not this epoch's any more: nothing was written, and this leader is deposed. */
  | { readonly _tag: "fenced"; readonly leader: LeaderValue | undefined }
  /** `LogSize` is not where this leader thought (its position was stale): nothing was written; retry at `position`. */
  | { readonly _tag: "moved"; readonly position: AppendPosition }

/**
 * Looks at the log right after an append whose answer was lost or negative: the entry at
 * `position.size + 1` tells whether the append went through (it carries the batch's
 * first request id and this epoch), and the leader key whether this epoch still leads.
 */
export const inspectAppend = (
  etcd: EtcdCluster,
  keys: ReplicaKeys,
  epoch: number,
  position: AppendPosition,
  first: Placed,
): Effect.Effect<AppendResult, EtcdUnavailable> =>
  Effect.map(
    Effect.catchTag(
      etcdTxn(etcd, "inspect append", [], [
        { _tag: "get", key: keys.logSize },
        { _tag: "get", key: keys.leader },
        { _tag: "get", key: keys.entry(position.size + 1) },
      ]),
      // No put, so no lease to expire; keep the error type honest.
      "EtcdLeaseExpired",
      (e) => Effect.die(e),
    ),
    (r): AppendResult => {
      const [size, leader, entry] = [r.reads[0]?.[0], r.reads[1]?.[0], r.reads[2]?.[0]]
      const written = entry ? decodeEntry(entry.value) : undefined
      if (written && written.id === first.entry.id && written.epoch === epoch) return { _tag: "appended", position: positionOf(size), revision: r.revision }
      if (leader?.createRevision !== epoch) return { _tag: "fenced", leader: leader ? decodeLeaderValue(leader.value) : undefined }
      return { _tag: "moved", position: positionOf(size) }
    },
  )

/**
 * Appends `batch` (numbered from `position.size + 1`) and the new `LogSize` in one
 * transaction, guarded by `LogSize`'s mod revision and the leader key's create revision
 * (the epoch). A refused or unanswered transaction is settled by `inspectAppend`; only an
 * unreachable etcd fails the effect, and then the outcome is still unknown.
 */
export const appendEntries = (
  etcd: EtcdCluster,
  keys: ReplicaKeys,
  epoch: number,
  position: AppendPosition,
  batch: readonly Placed[],
): Effect.Effect<AppendResult, EtcdUnavailable> => {
  const first = batch[0]
  if (first === undefined) return Effect.succeed({ _tag: "appended", position, revision: 0 })
  const size = position.size + batch.length
  const txn = etcdTxn(
    etcd,
    "append",
    [
      { key: keys.logSize, target: "mod", equals: position.modRevision },
      { key: keys.leader, target: "create", equals: epoch },
    ],
    [...batch.map((p) => ({ _tag: "put" as const, key: keys.entry(p.index), value: p.text })), { _tag: "put", key: keys.logSize, value: String(size) }],
  )
  return Effect.flatMap(
    Effect.result(Effect.catchTag(txn, "EtcdLeaseExpired", (e) => Effect.die(e))),
    (r) =>
      r._tag === "Success" && r.success.succeeded
        ? Effect.succeed<AppendResult>({ _tag: "appended", position: { size, modRevision: r.success.revision }, revision: r.success.revision })
        : inspectAppend(etcd, keys, epoch, position, first),
  )
}

/**
 * Writes a snapshot and deletes `Log/<i>` for every i ≤ `trimTo` in one transaction,
 * fenced on the epoch. Returns false when fenced (nothing written).
 */
export const writeSnapshot = (
  etcd: EtcdCluster,
  keys: ReplicaKeys,
  epoch: number,
  text: string,
  trimTo: number | undefined,
): Effect.Effect<boolean, EtcdUnavailable> =>
  Effect.map(
    Effect.catchTag(
      etcdTxn(etcd, "snapshot", [{ key: keys.leader, target: "create", equals: epoch }], [
        { _tag: "put", key: keys.snapshot, value: text },
        ...(trimTo !== undefined ? [{ _tag: "delete" as const, key: keys.entryPrefix, end: keys.entry(trimTo + 1) }] : []),
      ]),
      "EtcdLeaseExpired",
      (e) => Effect.die(e),
    ),
    (r) => r.succeeded,
  )

/** The stored snapshot's text, if there is one. */
export const readSnapshot = (etcd: EtcdCluster, keys: ReplicaKeys): Effect.Effect<string | undefined, EtcdUnavailable> =>
  Effect.map(etcdRange(etcd, "get Snapshot", { key: keys.snapshot }), (r) => r.kvs[0]?.value)

/** The LPI of every live replica (dead ones' keys went with their leases), by node. */
export const readLpis = (etcd: EtcdCluster, keys: ReplicaKeys): Effect.Effect<Map<string, number>, EtcdUnavailable> =>
  Effect.map(etcdRange(etcd, "get LPIs", { key: keys.lpiPrefix, end: prefixEnd(keys.lpiPrefix) }), (r) =>
    new Map(r.kvs.map((kv) => [kv.key.slice(keys.lpiPrefix.length), Number(kv.value)])))

/** Publishes this node's LPI on its lease, so the key dies with the node. */
export const putLpi = (
  etcd: EtcdCluster,
  keys: ReplicaKeys,
  node: string,
  lpi: number,
  lease: EtcdLease,
): Effect.Effect<void, EtcdUnavailable | EtcdLeaseExpired> =>
  Effect.asVoid(etcdTxn(etcd, "put LPI", [], [{ _tag: "put", key: keys.lpi(node), value: String(lpi), lease }]))

/** The leader key as stored now: who leads and since which epoch (create revision), if anyone. */
export const readLeader = (etcd: EtcdCluster, keys: ReplicaKeys): Effect.Effect<{ readonly leader: LeaderValue | undefined; readonly epoch: number } | undefined, EtcdUnavailable> =>
  Effect.map(etcdRange(etcd, "get Leader", { key: keys.leader }), (r) => {
    const kv = r.kvs[0]
    return kv ? { leader: decodeLeaderValue(kv.value), epoch: kv.createRevision } : undefined
  })

/**
 * The leader's beat: its epoch, written to the beat key on its lease only while that
 * epoch still holds the leader key. False when it does not (the leader was deposed).
 */
export const putBeat = (etcd: EtcdCluster, keys: ReplicaKeys, epoch: number, lease: EtcdLease): Effect.Effect<boolean, EtcdUnavailable | EtcdLeaseExpired> =>
  Effect.map(etcdTxn(etcd, "leader beat", [{ key: keys.leader, target: "create", equals: epoch }], [{ _tag: "put", key: keys.beat, value: String(epoch), lease }]), (r) => r.succeeded)

/** The beat key's mod revision now (0 when it does not exist), for `deposeSilent`'s compare. */
export const readBeatRevision = (etcd: EtcdCluster, keys: ReplicaKeys): Effect.Effect<number, EtcdUnavailable> =>
  Effect.map(etcdRange(etcd, "get LeaderBeat", { key: keys.beat }), (r) => r.kvs[0]?.modRevision ?? 0)

/**
 * Ends leadership `epoch` if the beat key has not been written since `beatRevision`:
 * deletes the leader key, in one transaction that compares both, so a beat that did come
 * (or a newer leader) leaves everything as it was. True when it deleted the key. Safe
 * against a leader that is alive after all: every append is fenced on the leader key's
 * create revision, so a deposed leader can append nothing more.
 */
export const deposeSilent = (etcd: EtcdCluster, keys: ReplicaKeys, epoch: number, beatRevision: number): Effect.Effect<boolean, EtcdUnavailable | EtcdLeaseExpired> =>
  Effect.map(
    etcdTxn(etcd, "depose a silent leader", [{ key: keys.leader, target: "create", equals: epoch }, { key: keys.beat, target: "mod", equals: beatRevision }], [{ _tag: "delete", key: keys.leader }]),
    (r) => r.succeeded,
  )
