/**
 * What the JSON API answers: registry records, feed entries and replica status as plain
 * JSON (epochs as decimal strings, since a uint64 does not fit a JSON number), in
 * snake_case like the intake. The pages' script reads exactly these.
 */
import type { ReplicaStatus } from "../actors/replica/index.ts"
import type { ServiceRecord } from "../registry/index.ts"
import type { FeedEntry, ReplicaProgress } from "./dashboard-deps.ts"

/** A service as listed and shown. */
export interface ServiceView {
  readonly service_id: string
  readonly location: string
  readonly epoch: string
  readonly info: string
  readonly managers: ReadonlyArray<string>
}

/** A registry record as JSON. */
export const serviceView = (r: ServiceRecord): ServiceView => ({
  service_id: r.serviceId,
  location: r.location,
  epoch: r.epoch.toString(),
  info: r.info,
  managers: r.managers,
})

/** One feed entry as JSON; `id` is stable across its updates (confirmed, removed). */
export interface FeedView {
  readonly id: string
  readonly kind: "location" | "claim"
  readonly service_id: string
  /** The new location, or the one the claimant could not reach. */
  readonly location: string
  readonly epoch: string | null
  readonly claimant: string | null
  readonly block_number: number
  readonly tx_hash: string
  readonly confirmed: boolean
  readonly removed: boolean
}

/** A feed entry as JSON. */
export const feedView = (f: FeedEntry): FeedView => ({
  id: f.id,
  kind: f.kind,
  service_id: f.serviceId,
  location: f.location,
  epoch: f.epoch === undefined ? null : String(f.epoch),
  claimant: f.claimant ?? null,
  block_number: f.blockNumber,
  tx_hash: f.txHash,
  confirmed: f.confirmed,
  removed: f.removed,
})

/** This host's replica as JSON. */
export interface ReplicaStatusView {
  readonly node: string
  readonly service: string
  readonly role: string
  readonly epoch: number | null
  readonly leader: { readonly node: string; readonly location: string } | null
  readonly lpi: number
  readonly log_size: number
  readonly lag: number
}

/** A replica status as JSON (the leader's incarnation is left out: it is internal). */
export const replicaStatusView = (s: ReplicaStatus): ReplicaStatusView => ({
  node: s.node,
  service: s.service,
  role: s.role,
  epoch: s.epoch ?? null,
  leader: s.leader === undefined ? null : { node: s.leader.node, location: s.leader.location },
  lpi: s.lpi,
  log_size: s.logSize,
  lag: s.lag,
})

/** Every replica's progress as JSON. */
export const replicaProgressView = (p: ReplicaProgress) => ({ node: p.node, lpi: p.lpi, lag: p.lag, leader: p.leader })
