/**
 * What a campaign transaction's answer means. The transaction creates the leader key only
 * if nobody holds it; either branch also reads `LogSize`, the other the leader key.
 *
 * An attempt whose answer was lost may still have been applied. The retry then finds the
 * key held, by this very session: the campaign value is unique per incarnation, so a key
 * holding it can only be ours. Reading that as "lost" would make the replica wait for
 * its own key to go away while it keeps the key's lease alive, and the service would
 * have no serving leader until the session ended. So it counts as won, with the key's
 * create revision as the epoch; no one can have appended since, as every append is
 * fenced on the appender's own leader key.
 */
import type { EtcdTxnResult } from "../../adapters/etcd.ts"
import { decodeLeaderValue, type LeaderValue } from "./leader-value.ts"
import { type AppendPosition, positionOf } from "./log-position.ts"

/** The outcome of one election attempt. */
export type CampaignResult =
  /**
   * This replica now holds the leader key; `epoch` is its create revision. `position` is
   * `LogSize` read in the same transaction: final, since every later append by an
   * earlier leader is fenced out.
   */
  | { readonly _tag: "elected"; readonly epoch: number; readonly position: AppendPosition }
  /** Someone holds it; watch it from `revision + 1` for its deletion. */
  | { readonly _tag: "lost"; readonly leader: LeaderValue | undefined; readonly epoch: number; readonly revision: number }

/**
 * Reads the answer of the campaign transaction that tried to put `value`: on success
 * `reads` is [put, LogSize]; on failure [leader key, LogSize].
 */
export const campaignOutcome = (r: EtcdTxnResult, value: string): CampaignResult => {
  if (r.succeeded) return { _tag: "elected", epoch: r.revision, position: positionOf(r.reads[1]?.[0]) }
  const kv = r.reads[0]?.[0]
  if (kv !== undefined && kv.value === value) return { _tag: "elected", epoch: kv.createRevision, position: positionOf(r.reads[1]?.[0]) }
  return { _tag: "lost", leader: kv ? decodeLeaderValue(kv.value) : undefined, epoch: kv?.createRevision ?? 0, revision: r.revision }
}
