/**
 * The host's one reader of its Bitcoin wallet node's chain. Every partition executor of
 * the host registers here; while any of them follows a transaction, one loop asks the
 * node for its best block every `bitcoinWatchRound` and, when it moved, reads the
 * wallet's transactions mined since the last block seen with one `listsinceblock`, and
 * hands them to each following partition. Before it, each of twelve partitions asked
 * the same questions every 500 ms (two calls a round, one `listsinceblock` a block),
 * which took about a quarter of a wallet that answers one call at a time.
 *
 * A reorg (the block last seen is no longer at its height) is reported to every
 * following partition, which asks the wallet about each of its mined transactions again.
 */
import { Effect } from "effect"
import { bitcoinWatchRound } from "../../runtime/schedules.ts"
import type { ChainNodes } from "../ports.ts"

/** Where a transaction was mined. */
export interface MinedAt {
  readonly blockHash: string
  readonly height: number
}

/** What the watch saw for one partition since it last asked. */
export interface BlocksSeen {
  /** The node's height at the last read; undefined until the first. */
  readonly head: number | undefined
  /** Wallet transactions found in blocks, by txid (every one the wallet reported, not only the partition's). */
  readonly mined: ReadonlyMap<string, MinedAt>
  /** True when a block reported before may have been replaced: the partition asks about its mined transactions again. */
  readonly reorged: boolean
}

/** One partition's registration. */
export interface BitcoinWatchRegistration {
  /** What was seen since the last call; emptied by the call. */
  readonly drain: () => BlocksSeen
  readonly unregister: () => void
}

/** The host's Bitcoin chain reader. */
export interface BitcoinChainWatch {
  /** Registers a partition; `following` says whether it has transactions to follow now (the watch reads only while one does). */
  readonly register: (node: string, following: () => boolean) => BitcoinWatchRegistration
  /** One round: reads each node some registered partition follows. */
  readonly readOnce: Effect.Effect<void>
  /** `readOnce` forever, every `bitcoinWatchRound`. */
  readonly run: Effect.Effect<never>
}

interface SinceBlock {
  readonly transactions?: readonly { readonly txid?: string; readonly blockhash?: string; readonly confirmations?: number }[]
  readonly lastblock?: string
}

interface Watcher {
  readonly node: string
  readonly following: () => boolean
  mined: Map<string, MinedAt>
  reorged: boolean
}

/** A watch over `nodes`. */
export const makeBitcoinChainWatch = (nodes: Pick<ChainNodes, "callNode">): BitcoinChainWatch => {
  const watchers = new Set<Watcher>()
  const tips = new Map<string, { height: number; hash: string }>()

  /** One node: its best block, and when it moved, the blocks since the last one seen. */
  const readNode = (node: string, following: readonly Watcher[]) =>
    Effect.gen(function* () {
      const best = String(yield* nodes.callNode(node, "getbestblockhash", []))
      const tip = tips.get(node)
      if (tip !== undefined && tip.hash === best) return
      // The height, then the hash at that height: a pair from one moment. A block found
      // between the best hash and the count would pair the new height with the old hash,
      // and the next round would take the mismatch for a reorg.
      const head = Number(yield* nodes.callNode(node, "getblockcount", []))
      const headHash = String(yield* nodes.callNode(node, "getblockhash", [head]))
      if (tip === undefined) {
        tips.set(node, { height: head, hash: headHash })
        return
      }
      const then = tip.height === head ? headHash : yield* nodes.callNode(node, "getblockhash", [Math.min(tip.height, head)])
      if (String(then) !== tip.hash || head < tip.height) for (const w of following) w.reorged = true
      const since = (yield* nodes.callNode(node, "listsinceblock", [tip.hash])) as SinceBlock | null
      for (const entry of since?.transactions ?? []) {
        const confirmations = entry.confirmations ?? 0
        if (entry.txid === undefined || confirmations <= 0 || entry.blockhash === undefined || entry.blockhash === "") continue
        const at = { blockHash: entry.blockhash, height: head - confirmations + 1 }
        for (const w of following) w.mined.set(entry.txid, at)
      }
      // Not listsinceblock's lastblock: a block found since `head` would pair with it.
      // Its transactions come again in the next round's listing, and are set again.
      tips.set(node, { height: head, hash: headHash })
    })

  const round = Effect.gen(function* () {
    const byNode = new Map<string, Watcher[]>()
    for (const w of watchers) if (w.following()) byNode.set(w.node, [...(byNode.get(w.node) ?? []), w])
    for (const [node, following] of byNode) yield* Effect.ignore(readNode(node, following))
  })

  return {
    register: (node, following) => {
      const w: Watcher = { node, following, mined: new Map(), reorged: false }
      watchers.add(w)
      return {
        drain: () => {
          const out = { head: tips.get(node)?.height, mined: w.mined, reorged: w.reorged }
          w.mined = new Map()
          w.reorged = false
          return out
        },
        unregister: () => void watchers.delete(w),
      }
    },
    readOnce: round,
    run: Effect.repeat(round, bitcoinWatchRound).pipe(Effect.andThen(Effect.never)),
  }
}
