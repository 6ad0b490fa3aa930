/**
 * The host's one reader of each Ethereum node's chain. Every partition executor of the
 * host registers its sender book here; one loop reads each node's new blocks once
 * (block-scan.ts) and marks the slots of every registered book, instead of each
 * partition reading every block for itself. Each partition learns what changed from its
 * own registration: the slots mined (whose receipts it may read) and the slots a reorg
 * took back (whose status it must record), and the latest head of each node.
 */
import { Effect } from "effect"
import type { Logger } from "../../observability/log.ts"
import { chainFollowRound } from "../../runtime/schedules.ts"
import type { ChainNodes } from "../ports.ts"
import { scanNode, type NodeScan, type ScanWatcher } from "./block-scan.ts"
import type { SenderBook, Slot } from "./sender-book.ts"

/** One partition's registration: what the scans found for it since it last looked. */
export interface FollowerRegistration {
  /** Slots found mined, and slots a reorg un-mined, since the last call; both lists are emptied. */
  readonly drain: () => { readonly mined: readonly Slot[]; readonly reorged: readonly Slot[] }
  readonly unregister: () => void
}

/** The host's chain reader. */
export interface ChainFollower {
  readonly register: (partition: number, book: SenderBook) => FollowerRegistration
  /** The head last read from `node`, if any. */
  readonly head: (node: string) => number | undefined
  /** Reads every node some registered book has slots on, forever, every `chainFollowRound` (250 ms). */
  readonly run: Effect.Effect<never>
}

/** A follower over the host's nodes. */
export const makeChainFollower = (nodes: Pick<ChainNodes, "callNode" | "callNodeBatch">, reorgWindowBlocks: number, log: Logger): ChainFollower => {
  const watchers = new Set<ScanWatcher & { mined: Slot[]; reorged: Slot[] }>()
  const scans = new Map<string, NodeScan>()
  const heads = new Map<string, number>()
  const env = { nodes, watchers: () => watchers.values(), reorgWindowBlocks, log }

  /** The nodes some registered book has a slot on. */
  const nodesInUse = (): Set<string> => {
    const used = new Set<string>()
    for (const w of watchers) for (const node of w.book.nodes()) used.add(node)
    return used
  }

  const round = Effect.gen(function* () {
    for (const node of nodesInUse()) {
      let scan = scans.get(node)
      if (scan === undefined) {
        scan = { scanned: undefined, hashes: new Map() }
        scans.set(node, scan)
      }
      const head = yield* Effect.orElseSucceed(scanNode(env, node, scan), () => undefined)
      if (head !== undefined) heads.set(node, head)
    }
  })

  return {
    register: (partition, book) => {
      const w = {
        partition,
        book,
        mined: [] as Slot[],
        reorged: [] as Slot[],
        onMined: (slot: Slot) => void w.mined.push(slot),
        onReorged: (slot: Slot) => void w.reorged.push(slot),
      }
      watchers.add(w)
      return {
        drain: () => {
          const out = { mined: w.mined, reorged: w.reorged }
          w.mined = []
          w.reorged = []
          return out
        },
        unregister: () => void watchers.delete(w),
      }
    },
    head: (node) => heads.get(node),
    run: Effect.repeat(round, chainFollowRound).pipe(Effect.andThen(Effect.never)),
  }
}
