/**
 * Paper B's synchronisation check, made precise (pure). A request the client gave up on
 * (timeout, unreachable, failed) may still have been applied: the answer was lost, e.g.
 * the leader was cut after the append. So before the check, the bench resolves each
 * such outcome on the serving leader without resubmitting (`GET /v1/requests/:id`,
 * `Resolution`), and at the end every replica's list is compared with:
 * - `expected`: the acknowledged numbers plus those resolved as applied after the
 *   client gave up, in the order of their log indexes;
 * - `identical`: the replica's list is exactly `expected` (paper B's "success", made
 *   strict: nothing acknowledged missing, nothing unexplained present, same order);
 * - `lostAcknowledged`: acknowledged numbers missing from the list (must be none);
 * - `duplicated`: numbers the list holds more than once (must be none);
 * - `foreign`: numbers no client sent (must be none);
 * - `appliedUnacknowledged`: numbers in the list whose client gave up on them;
 * - `outOfOrder`: acknowledged numbers whose order in the list differs from their indexes.
 * `consistent` holds when all replicas have the same list and it loses, duplicates and
 * invents nothing, and is in acknowledged order (the weaker check, which needs no lookup).
 */
import type { RequestRecord } from "./request-record.ts"

/** One replica's list as read at the end, or why it could not be read. */
export type ReplicaList =
  | { readonly node: string; readonly ok: true; readonly lpi: number; readonly numbers: ReadonlyArray<number> }
  | { readonly node: string; readonly ok: false; readonly error: string }

/** What the serving leader said about a request the client gave up on. */
export type Resolution =
  /** Applied at `index`, though the client was not told. */
  | { readonly _tag: "applied"; readonly index: number }
  /** Not in the leader's dedupe window: never applied (the window outlasts the run). */
  | { readonly _tag: "not-applied" }
  /** The lookup got no usable answer. */
  | { readonly _tag: "unresolved"; readonly detail: string }

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
  /** Requests the client was told were applied. */
  readonly acknowledged: number
  /** Requests the client gave up on that the leader says were applied ("applied, not acknowledged"). */
  readonly gaveUpApplied: number
  /** Requests the client gave up on that the leader says were not applied. */
  readonly gaveUpNotApplied: number
  /** Requests the client gave up on whose outcome the lookup could not learn. */
  readonly unresolved: number
  /** Length of the list every replica must hold: acknowledged + gave up but applied. */
  readonly expected: number
  readonly replicas: ReadonlyArray<ReplicaVerdict>
  /** Every replica was read and all lists are equal. */
  readonly replicasAgree: boolean
  /** Every replica's list is exactly the acknowledged plus the gave-up-but-applied numbers, in index order. */
  readonly allIdentical: boolean
  /** Replicas agree and no replica lost, duplicated, invented or reordered an acknowledged number. */
  readonly consistent: boolean
  /** Most acknowledged numbers any replica is missing (must be 0). */
  readonly lostAcknowledged: number
  /** Most gave-up numbers any replica holds. */
  readonly appliedUnacknowledged: number
}

const byIndex = (entries: ReadonlyArray<{ readonly index: number; readonly sentAtMs: number; readonly number: number }>): ReadonlyArray<number> =>
  entries.slice().sort((a, b) => a.index - b.index || a.sentAtMs - b.sentAtMs).map((e) => e.number)

/** The acknowledged numbers in log-index order (ties broken by send order). */
export const acknowledgedList = (records: ReadonlyArray<RequestRecord>): ReadonlyArray<number> =>
  byIndex(records.flatMap((r) => (r.ok && r.index !== undefined ? [{ index: r.index, sentAtMs: r.sentAtMs, number: r.number }] : [])))

/** What every replica must hold: the acknowledged numbers and the gave-up ones resolved as applied, in log-index order. */
export const expectedList = (records: ReadonlyArray<RequestRecord>, resolved: ReadonlyMap<string, Resolution>): ReadonlyArray<number> =>
  byIndex(records.flatMap((r) => {
    if (r.ok) return r.index === undefined ? [] : [{ index: r.index, sentAtMs: r.sentAtMs, number: r.number }]
    const res = resolved.get(r.requestId)
    return res?._tag === "applied" ? [{ index: res.index, sentAtMs: r.sentAtMs, number: r.number }] : []
  }))

const sameList = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): boolean => a.length === b.length && a.every((v, i) => v === b[i])

/** Checks one replica's list against `expected` (see `expectedList`). */
export const checkReplica = (list: ReplicaList, records: ReadonlyArray<RequestRecord>, expected: ReadonlyArray<number>): ReplicaVerdict => {
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
    identical: sameList(list.numbers, expected),
    lostAcknowledged: lost,
    duplicated,
    foreign,
    appliedUnacknowledged: unacked,
    outOfOrder,
  }
}

/**
 * Checks every replica against the clients' records (all clients together) and the
 * resolutions of the requests they gave up on (keyed by request id; a gave-up request
 * without one counts as unresolved).
 */
export const checkConsistency = (
  lists: ReadonlyArray<ReplicaList>,
  records: ReadonlyArray<RequestRecord>,
  resolved: ReadonlyMap<string, Resolution> = new Map(),
): Consistency => {
  const expected = expectedList(records, resolved)
  const replicas = lists.map((l) => checkReplica(l, records, expected))
  const read = lists.flatMap((l) => (l.ok ? [l.numbers] : []))
  const first = read[0]
  const replicasAgree = read.length === lists.length && first !== undefined && read.every((l) => sameList(l, first))
  const clean = replicas.every((v) => v.read && v.lostAcknowledged === 0 && v.duplicated === 0 && v.foreign === 0 && v.outOfOrder === 0)
  const gaveUp = records.filter((r) => !r.ok).map((r) => resolved.get(r.requestId)?._tag ?? "unresolved")
  return {
    acknowledged: acknowledgedList(records).length,
    gaveUpApplied: gaveUp.filter((t) => t === "applied").length,
    gaveUpNotApplied: gaveUp.filter((t) => t === "not-applied").length,
    unresolved: gaveUp.filter((t) => t === "unresolved").length,
    expected: expected.length,
    replicas,
    replicasAgree,
    allIdentical: replicas.length > 0 && replicas.every((v) => v.identical),
    consistent: replicasAgree && clean,
    lostAcknowledged: Math.max(0, ...replicas.map((v) => v.lostAcknowledged)),
    appliedUnacknowledged: Math.max(0, ...replicas.map((v) => v.appliedUnacknowledged)),
  }
}
