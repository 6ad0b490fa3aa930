/**
 * The read front's answers, bounded by size with least-recently-used eviction. Each
 * entry remembers what it depends on (its scope, the block it is about, whether it is
 * wallet state), so a new head drops the `head` answers, a reorg drops everything about
 * the blocks it replaced, and a send from the wallet drops the wallet's answers. Before a
 * new head drops them, the answers about accounts its block did not touch are carried to
 * it (block-touches.ts). Sizes
 * are the answer's JSON length plus the key's, which is what the process holds.
 */
import { accountReadKey, type Scope } from "./read-methods.ts"

/** One kept answer. */
export interface CachedAnswer {
  /** The node's result as JSON text: what the client receives. */
  readonly json: string
  readonly node: string
  readonly scope: Scope
  readonly wallet: boolean
  /** A balance, nonce or code read pinned to the head: its method and account, so the answer can be carried to the next head. */
  readonly carry?: { readonly method: string; readonly account: string }
}

/** A head move whose block's untouched accounts keep their answers (see `dropHead`). */
export interface HeadCarry {
  readonly from: number
  readonly to: number
  readonly untouched: (account: string) => boolean
}

/** What a cache holds now. */
export interface CacheSize {
  readonly entries: number
  readonly bytes: number
}

/** A bounded answer cache for one chain. */
export interface AnswerCache {
  readonly get: (key: string) => CachedAnswer | undefined
  readonly put: (key: string, answer: CachedAnswer) => void
  /**
   * Drops every answer about the head: it moved. With `carry`, first copies each answer
   * about head `from` that can be carried, and whose account `untouched` says the new
   * head's block left alone, to the key a read pinned to head `to` has. Returns how many
   * answers were dropped and how many carried.
   */
  readonly dropHead: (carry?: HeadCarry) => { readonly dropped: number; readonly carried: number }
  /** Drops every answer about block `from` or later: a reorg replaced them. */
  readonly dropFrom: (from: number) => number
  /** Drops every answer about the wallet's state: the gateway sent from it. */
  readonly dropWallet: () => number
  readonly size: () => CacheSize
}

/** Per-entry overhead beyond key and JSON: the map slot and the entry object. */
const entryOverhead = 96

/** A cache that holds at most `maxBytes`. */
export const makeAnswerCache = (maxBytes: number): AnswerCache => {
  // A Map iterates in insertion order: re-inserting on use makes its first key the least recently used.
  const entries = new Map<string, CachedAnswer & { readonly bytes: number }>()
  let bytes = 0

  const remove = (key: string) => {
    const e = entries.get(key)
    if (e === undefined) return
    entries.delete(key)
    bytes -= e.bytes
  }
  const dropWhere = (doomed: (e: CachedAnswer) => boolean): number => {
    let n = 0
    for (const [key, e] of entries) {
      if (!doomed(e)) continue
      remove(key)
      n += 1
    }
    return n
  }

  const put = (key: string, answer: CachedAnswer) => {
    const size = key.length + answer.json.length + entryOverhead
    if (size > maxBytes) return
    remove(key)
    while (bytes + size > maxBytes) {
      const oldest = entries.keys().next()
      if (oldest.done === true) break
      remove(oldest.value)
    }
    entries.set(key, { ...answer, bytes: size })
    bytes += size
  }

  return {
    get: (key) => {
      const e = entries.get(key)
      if (e === undefined) return undefined
      entries.delete(key)
      entries.set(key, e)
      return e
    },
    put,
    dropHead: (carry) => {
      const carried: Array<readonly [string, CachedAnswer]> = []
      if (carry !== undefined) {
        for (const e of entries.values()) {
          if (e.carry === undefined || e.scope._tag !== "head" || e.scope.block !== carry.from || !carry.untouched(e.carry.account.toLowerCase())) continue
          carried.push([accountReadKey(e.carry.method, e.carry.account, carry.to), { json: e.json, node: e.node, scope: { _tag: "head", block: carry.to }, wallet: e.wallet, carry: e.carry }])
        }
      }
      const dropped = dropWhere((e) => e.scope._tag === "head")
      for (const [key, answer] of carried) put(key, answer)
      return { dropped, carried: carried.length }
    },
    dropFrom: (from) => dropWhere((e) => e.scope.block !== undefined && e.scope.block >= from),
    dropWallet: () => dropWhere((e) => e.wallet),
    size: () => ({ entries: entries.size, bytes }),
  }
}
