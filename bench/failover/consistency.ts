/**
 * Paper B's synchronisation check, made precise (pure). At the end of a run every
 * replica's list of numbers is compared with what the clients were told:
 * - `identical`: the replica's list is exactly the acknowledged numbers in the order of
 *   their acknowledged log indexes (paper B's "success");
 * - `lostAcknowledged`: acknowledged numbers missing from the list (must be none);
 * - `duplicated`: numbers the list holds more than once (must be none);
 * - `foreign`: numbers no client sent (must be none);
 * - `appliedUnacknowledged`: numbers of requests the client counted as failed that were
 *   applied anyway (the answer was lost, e.g. the leader was cut after the append); they
 *   break `identical` but lose nothing;
 * - `outOfOrder`: acknowledged numbers whose order in the list differs from their indexes.
 * `consistent` holds when all replicas have the same list and it loses, duplicates and
 * invents nothing, and is in acknowledged order.
 */
import type { RequestRecord } from "./request-record.ts"

/** One replica's list as read at the end, or why it could not be read. */
export type ReplicaList =
  | { readonly node: string; readonly ok: true; readonly lpi: number; readonly numbers: ReadonlyArray<number> }
  | { readonly node: string; readonly ok: false; readonly error: string }

/** The check of one replica against the clients. */
export interface ReplicaVerdict {
  readonly node: string
  readonly read: boolean
  readonly length: number
  readonly identical: boolean
  readonly lostAcknowledged: number
  readonly duplicated: number
  readonly foreign: number
  readonly appliedUnacknowledged: number
  readonly outOfOrder: number
}

/** The check over all replicas. */
export interface Consistency {
  readonly acknowledged: number
  readonly replicas: ReadonlyArray<ReplicaVerdict>
  /** Every replica was read and all lists are equal. */
  readonly replicasAgree: boolean
  /** Every replica's list is exactly the acknowledged list. */
  readonly allIdentical: boolean
  /** Replicas agree and no replica lost, duplicated, invented or reordered an acknowledged number. */
  readonly consistent: boolean
  readonly lostAcknowledged: number
  readonly appliedUnacknowledged: number
}

/** The acknowledged numbers in log-index order (ties broken by send order). */
export const acknowledgedList = (records: ReadonlyArray<RequestRecord>): ReadonlyArray<number> =>
  records
    .filter((r) => r.ok && r.index !== undefined)
    .slice()
    .sort((a, b) => (a.index ?? 0) - (b.index ?? 0) || a.sentAtMs - b.sentAtMs)
    .map((r) => r.number)

const sameList = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): boolean => a.length === b.length && a.every((v, i) => v === b[i])

/** Checks one replica's list. */
export const checkReplica = (list: ReplicaList, records: ReadonlyArray<RequestRecord>): ReplicaVerdict => {
  if (!list.ok) return { node: list.node, read: false, length: 0, identical: false, lostAcknowledged: 0, duplicated: 0, foreign: 0, appliedUnacknowledged: 0, outOfOrder: 0 }
  const acked = acknowledgedList(records)
  const sent = new Map(records.map((r) => [r.number, r]))
  const counts = new Map<number, number>()
  for (const n of list.numbers) counts.set(n, (counts.get(n) ?? 0) + 1)
  const lost = acked.filter((n) => !counts.has(n)).length
  const duplicated = [...counts.values()].filter((c) => c > 1).length
  const foreign = [...counts.keys()].filter((n) => !sent.has(n)).length
  const unacked = [...counts.keys()].filter((n) => sent.get(n)?.ok === false).length
  const ackedSet = new Set(acked)
  const ackedInList = list.numbers.filter((n) => ackedSet.has(n))
  const present = acked.filter((n) => counts.has(n))
  const outOfOrder = ackedInList.filter((n, i) => present[i] !== n).length
  return {
    node: list.node,
    read: true,
    length: list.numbers.length,
    identical: sameList(list.numbers, acked),
    lostAcknowledged: lost,
    duplicated,
    foreign,
    appliedUnacknowledged: unacked,
    outOfOrder,
  }
}

/** Checks every replica against the clients' records (all clients together). */
export const checkConsistency = (lists: ReadonlyArray<ReplicaList>, records: ReadonlyArray<RequestRecord>): Consistency => {
  const replicas = lists.map((l) => checkReplica(l, records))
  const read = lists.flatMap((l) => (l.ok ? [l.numbers] : []))
  const first = read[0]
  const replicasAgree = read.length === lists.length && first !== undefined && read.every((l) => sameList(l, first))
  const clean = replicas.every((v) => v.read && v.lostAcknowledged === 0 && v.duplicated === 0 && v.foreign === 0 && v.outOfOrder === 0)
  return {
    acknowledged: acknowledgedList(records).length,
    replicas,
    replicasAgree,
    allIdentical: replicas.length > 0 && replicas.every((v) => v.identical),
    consistent: replicasAgree && clean,
    lostAcknowledged: Math.max(0, ...replicas.map((v) => v.lostAcknowledged)),
    appliedUnacknowledged: Math.max(0, ...replicas.map((v) => v.appliedUnacknowledged)),
  }
}
