/**
 * Failover time per leader change (pure). For each new leadership after the first:
 * - `cause`: "leader cut" when the previous leader's node was cut when it lost the
 *   lead, else "other" (e.g. a step-down under load);
 * - `fromMs`: where the failover starts: the start of that cut, or else the moment the
 *   old leadership was last seen;
 * - `electedMs`: from there until the new leader's key appeared in etcd;
 * - `servingMs`: from there until the first request the new leader acknowledged (any
 *   client), or undefined if it acknowledged none;
 * - `servingByClient`: the same for each client of the run on its own ("served again"
 *   as that client saw it), undefined for a client the new leader acknowledged nothing of.
 */
import type { Outage } from "./attacker.ts"
import type { Leadership } from "./leader-log.ts"
import type { RequestRecord } from "./request-record.ts"

/** One leader change and how long the service took to come back. */
export interface Failover {
  readonly atMs: number
  readonly from: string
  readonly to: string
  readonly cause: "leader cut" | "other"
  readonly fromMs: number
  readonly electedMs: number
  readonly servingMs: number | undefined
  readonly servingByClient: Readonly<Record<string, number | undefined>>
}

/** The earliest acknowledgement in `records` by `node` at or after `fromMs`. */
const firstAckOn = (records: ReadonlyArray<RequestRecord>, node: string, fromMs: number): number | undefined =>
  records
    .filter((r) => r.ok && r.node === node && r.doneAtMs >= fromMs)
    .reduce<number | undefined>((min, r) => (min === undefined || r.doneAtMs < min ? r.doneAtMs : min), undefined)

/** The failovers of a run. */
export const failoversOf = (
  leaderships: ReadonlyArray<Leadership>,
  outages: ReadonlyArray<Outage>,
  records: ReadonlyArray<RequestRecord>,
): ReadonlyArray<Failover> =>
  leaderships.slice(1).flatMap((next, i) => {
    const prev = leaderships[i]
    if (prev === undefined) return []
    const lostAt = prev.untilMs ?? next.fromMs
    const cut = outages.find((o) => o.node === prev.node && o.startMs <= lostAt && (o.endMs === undefined || lostAt <= o.endMs + 1000))
    const fromMs = cut?.startMs ?? lostAt
    const firstAck = firstAckOn(records, next.node, next.fromMs)
    const clients = [...new Set(records.map((r) => r.client))]
    const servingByClient = Object.fromEntries(
      clients.map((client) => {
        const at = firstAckOn(records.filter((r) => r.client === client), next.node, next.fromMs)
        return [client, at === undefined ? undefined : at - fromMs]
      }),
    )
    return [
      {
        atMs: next.fromMs,
        from: prev.node,
        to: next.node,
        cause: cut === undefined ? "other" : "leader cut",
        fromMs,
        electedMs: next.fromMs - fromMs,
        servingMs: firstAck === undefined ? undefined : firstAck - fromMs,
        servingByClient,
      },
    ]
  })
