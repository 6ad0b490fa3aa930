/**
 * Following a node's chain block by block: every new block is read once per host, with
 * its transaction hashes, and each hash a partition's sender book knows marks its slot
 * mined. That costs one call per block for the whole host (under interval mining a
 * block holds hundreds of the gateway's transactions), instead of one receipt per
 * transaction, or one read per block per partition.
 *
 * The scan keeps the hashes of recent blocks. A block whose parent is not the block
 * scanned at the height below, or a tip whose hash changed, is a reorg: the scan walks
 * back to the highest block whose hash still matches (the fork), un-mines every slot
 * mined above it, and scans again from there.
 */
import { Effect } from "effect"
import type { Logger } from "../../observability/log.ts"
import type { ChainNodes, NodeCallError } from "../ports.ts"
import type { SenderBook, Slot } from "./sender-book.ts"
import { executorEvents } from "../events.ts"

/** One partition's book, as the scan sees it; the scan tells it what it found. */
export interface ScanWatcher {
  readonly partition: number
  readonly book: SenderBook
  readonly onMined: (slot: Slot) => void
  readonly onReorged: (slot: Slot) => void
}

/** What a scan reads the chain with, and whom it tells. */
export interface ScanEnv {
  readonly nodes: Pick<ChainNodes, "callNode" | "callNodeBatch">
  readonly watchers: () => Iterable<ScanWatcher>
  readonly reorgWindowBlocks: number
  readonly log: Logger
}

interface Block {
  readonly hash?: string
  readonly parentHash?: string
  readonly number?: string
  readonly transactions?: readonly string[]
}

/** Where the scan of one node stands. */
export interface NodeScan {
  /** The highest block read, or undefined before the first round. */
  scanned: number | undefined
  /** Hashes of the blocks read, by height, back to the reorg window. */
  readonly hashes: Map<number, string>
}

/** Most blocks one round reads from one node, so a long gap is caught up over a few rounds. */
const maxBlocksPerRound = 2_000

/** Blocks asked for in one batch. */
const blocksPerCall = 100

const hex = (n: number) => `0x${n.toString(16)}`

const blockAt = (env: ScanEnv, node: string, height: number | "latest") =>
  Effect.map(env.nodes.callNode(node, "eth_getBlockByNumber", [height === "latest" ? "latest" : hex(height), false]), (b) => b as Block | null)

/** Walks back from `from` to the highest height whose stored hash is still canonical. */
const forkPoint = (env: ScanEnv, node: string, scan: NodeScan, from: number) =>
  Effect.gen(function* () {
    for (let h = from; h >= 0; h--) {
      const stored = scan.hashes.get(h)
      if (stored === undefined) return h
      const block = yield* blockAt(env, node, h)
      if (block?.hash === stored) return h
    }
    return -1
  })

/** Un-mines every slot of `node` mined above `fork`, in every watcher's book, and forgets the blocks above it. */
const rewind = (env: ScanEnv, node: string, scan: NodeScan, fork: number): void => {
  for (const w of env.watchers()) {
    for (const sender of w.book.all()) {
      for (const slot of sender.slots.values()) {
        if (slot.node !== node || slot.mined === undefined || slot.mined.block <= fork) continue
        env.log.warn(executorEvents.reorged, { partition: w.partition, id: slot.owner, txid: slot.mined.hash, block: slot.mined.block, fork })
        slot.mined = undefined
        slot.sentAt = undefined
        w.onReorged(slot)
      }
    }
  }
  for (const h of [...scan.hashes.keys()]) if (h > fork) scan.hashes.delete(h)
  scan.scanned = fork
}

/** One scan round of `node`: new blocks, and any reorg since the last round. Answers the head. */
export const scanNode = (env: ScanEnv, node: string, scan: NodeScan): Effect.Effect<number | undefined, NodeCallError> =>
  Effect.gen(function* () {
    const tip = yield* blockAt(env, node, "latest")
    const head = Number(tip?.number ?? Number.NaN)
    if (!Number.isFinite(head) || tip?.hash === undefined) return scan.scanned
    if (scan.scanned === undefined) {
      // Start at the tip: anything mined before the scan began is found by the slow path (nonce counts and receipts).
      scan.scanned = head
      scan.hashes.set(head, tip.hash)
      return head
    }
    // The tip of the last round replaced at the same height, or the chain shorter than what was read.
    const lastHash = scan.hashes.get(Math.min(scan.scanned, head))
    const tipCheck = head >= scan.scanned ? (head === scan.scanned ? tip : yield* blockAt(env, node, scan.scanned)) : tip
    if (lastHash !== undefined && tipCheck?.hash !== lastHash) rewind(env, node, scan, yield* forkPoint(env, node, scan, Math.min(scan.scanned, head)))
    const until = Math.min(head, scan.scanned + maxBlocksPerRound)
    // The blocks between the last scan and the tip, read in batches of `blocksPerCall` (one round trip each).
    const wanted: number[] = []
    for (let h = scan.scanned + 1; h < until; h++) wanted.push(h)
    const fetched = new Map<number, Block | null>()
    for (let i = 0; i < wanted.length; i += blocksPerCall) {
      const heights = wanted.slice(i, i + blocksPerCall)
      const answers = yield* env.nodes.callNodeBatch(node, heights.map((h) => ({ method: "eth_getBlockByNumber", params: [hex(h), false] })))
      heights.forEach((h, k) => {
        const a = answers[k]
        if (a?.ok) fetched.set(h, a.result as Block | null)
      })
    }
    for (let h = scan.scanned + 1; h <= until; h++) {
      const block = h === head ? tip : (fetched.get(h) ?? (yield* blockAt(env, node, h)))
      if (block?.hash === undefined) break
      const parent = scan.hashes.get(h - 1)
      if (parent !== undefined && block.parentHash !== parent) {
        rewind(env, node, scan, yield* forkPoint(env, node, scan, h - 1))
        break
      }
      scan.hashes.set(h, block.hash)
      scan.scanned = h
      const watchers = [...env.watchers()]
      for (const txHash of block.transactions ?? []) {
        for (const w of watchers) {
          const slot = w.book.byHash(txHash)
          if (slot === undefined || slot.node !== node || slot.mined !== undefined) continue
          slot.mined = { hash: txHash, block: h, blockHash: block.hash, succeeded: true }
          w.onMined(slot)
        }
      }
    }
    const floor = head - env.reorgWindowBlocks
    for (const h of [...scan.hashes.keys()]) if (h < floor) scan.hashes.delete(h)
    return head
  })
