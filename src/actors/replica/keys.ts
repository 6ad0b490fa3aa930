/**
 * Where paper B's request log lives in etcd, for one service. Log indexes are
 * zero-padded so that etcd's key order is index order: a range read returns entries in
 * the order they must be applied, and trimming is one range delete.
 */

/** Digits of a padded log index: room for 10^12 entries. */
export const indexDigits = 12

/** `42` → `"000000000042"`. */
export const padIndex = (index: number): string => String(index).padStart(indexDigits, "0")

/** The etcd keys of one replicated service. */
export interface ReplicaKeys {
  /** Every key of the service except its snapshot starts with this. */
  readonly prefix: string
  /** How many requests the log holds (paper B's `LogSize`). */
  readonly logSize: string
  /** The election key, bound to the leader's lease; its create revision is the epoch. */
  readonly leader: string
  /** The leader's beat (`[etcd].leader_beat_ms`): its epoch, rewritten every beat while that epoch holds `leader`. */
  readonly beat: string
  /** The prefix of every `Log/<index>` key. */
  readonly entryPrefix: string
  readonly entry: (index: number) => string
  /** The prefix of every `LPI/<node>` key (latest processed index, on the node's lease). */
  readonly lpiPrefix: string
  readonly lpi: (node: string) => string
  /** The latest snapshot (state, dedupe window and index), `Snapshot/<service>`. */
  readonly snapshot: string
}

/** The keys of `serviceId`; distinct service ids never share a key. */
export const replicaKeys = (serviceId: string): ReplicaKeys => ({
  prefix: `${serviceId}/`,
  logSize: `${serviceId}/LogSize`,
  leader: `${serviceId}/Leader`,
  beat: `${serviceId}/LeaderBeat`,
  entryPrefix: `${serviceId}/Log/`,
  entry: (index) => `${serviceId}/Log/${padIndex(index)}`,
  lpiPrefix: `${serviceId}/LPI/`,
  lpi: (node) => `${serviceId}/LPI/${node}`,
  snapshot: `Snapshot/${serviceId}`,
})

/** The index in a `Log/<index>` key, or undefined for any other key. */
export const entryIndexOf = (keys: ReplicaKeys, key: string): number | undefined => {
  if (!key.startsWith(keys.entryPrefix)) return undefined
  const digits = key.slice(keys.entryPrefix.length)
  return /^\d+$/.test(digits) ? Number(digits) : undefined
}
