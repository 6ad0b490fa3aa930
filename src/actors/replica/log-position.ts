/** Where the replicated log ends, as read from `LogSize`. */
import type { EtcdKeyValue } from "../../adapters/etcd.ts"

/** The log's size and `LogSize`'s mod revision, which the next append is fenced on. */
export interface AppendPosition {
  readonly size: number
  readonly modRevision: number
}

/** `LogSize` as a position; an absent key is an empty log. */
export const positionOf = (kv: EtcdKeyValue | undefined): AppendPosition => ({ size: kv ? Number(kv.value) : 0, modRevision: kv?.modRevision ?? 0 })
