/**
 * Following a node's chain block by block: every new block is read once, with its
 * transaction hashes, and each hash the sender book knows marks its slot mined. That
 * costs one call per block (under interval mining a block holds hundreds of the
 * gateway's transactions), instead of one receipt per transaction.
 *
 * The scan keeps the hashes of recent blocks. A block whose parent is not the block
 * scanned at the height below, or a tip whose hash changed, is a reorg: the scan walks
 * back to the highest block whose hash still matches (the fork), un-mines every slot
 * mined above it, and scans again from there.
 */
import { Effect } from "effect"
import type { NodeCallError } from "../ports.ts"
import type { EthereumContext } from "./ethereum-context.ts"
import type { Slot } from "./sender-book.ts"

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

/** What a scan round found. */
export interface ScanResult {
  readonly head: number
  /** Slots found mined this round. */
  readonly mined: readonly Slot[]
  /** Slots un-mined by a reorg this round. */
  readonly reorged: readonly Slot[]
}

const blockAt = (ctx: EthereumContext, node: string, height: number | "latest") =>
  Effect.map(ctx.nodes.callNode(node, "eth_getBlockByNumber", [height === "latest" ? "latest" : hex(height), false]), (b) => b as Block | null)

/** Walks back from `from` to the highest height whose stored hash is still canonical. */
const forkPoint = (ctx: EthereumContext, node: string, scan: NodeScan, from: number) =>
  Effect.gen(function* () {
    for (let h = from; h >= 0; h--) {
      const stored = scan.hashes.get(h)
      if (stored === undefined) return h
      const block = yield* blockAt(ctx, node, h)
      if (block?.hash === stored) return h
    }
    return -1
  })

/** Un-mines every slot of `node` mined above `fork`, and forgets the blocks above it. */
const rewind = (ctx: EthereumContext, node: string, scan: NodeScan, fork: number): Slot[] => {
  const reorged: Slot[] = []
  for (const sender of ctx.book.all()) {
    for (const slot of sender.slots.values()) {
      if (slot.node !== node || slot.mined === undefined || slot.mined.block <= fork) continue
      ctx.log.warn("partition-executor.reorged", { partition: ctx.partition, id: slot.owner, txid: slot.mined.hash, block: slot.mined.block, fork })
      slot.mined = undefined
      slot.sentAt = undefined
      reorged.push(slot)
    }
  }
  for (const h of [...scan.hashes.keys()]) if (h > fork) scan.hashes.delete(h)
  scan.scanned = fork
  return reorged
}

/** One scan round of `node`: new blocks, and any reorg since the last round. */
export const scanNode = (ctx: EthereumContext, node: string, scan: NodeScan): Effect.Effect<ScanResult, NodeCallError> =>
  Effect.gen(function* () {
    const tip = yield* blockAt(ctx, node, "latest")
    const head = Number(tip?.number ?? Number.NaN)
    if (!Number.isFinite(head) || tip?.hash === undefined) return { head: scan.scanned ?? 0, mined: [], reorged: [] }
    if (scan.scanned === undefined) {
      // Start at the tip: anything mined before this executor looked is found by the slow path (nonce counts and receipts).
      scan.scanned = head
      scan.hashes.set(head, tip.hash)
      return { head, mined: [], reorged: [] }
    }
    const reorged: Slot[] = []
    // The tip of the last round replaced at the same height, or the chain shorter than what was read.
    const lastHash = scan.hashes.get(Math.min(scan.scanned, head))
    const tipCheck = head >= scan.scanned ? (head === scan.scanned ? tip : yield* blockAt(ctx, node, scan.scanned)) : tip
    if (lastHash !== undefined && tipCheck?.hash !== lastHash) reorged.push(...rewind(ctx, node, scan, yield* forkPoint(ctx, node, scan, Math.min(scan.scanned, head))))
    const mined: Slot[] = []
    const until = Math.min(head, scan.scanned + maxBlocksPerRound)
    // The blocks between the last scan and the tip, read in batches of `blocksPerCall` (one round trip each).
    const wanted: number[] = []
    for (let h = scan.scanned + 1; h < until; h++) wanted.push(h)
    const fetched = new Map<number, Block | null>()
    for (let i = 0; i < wanted.length; i += blocksPerCall) {
      const heights = wanted.slice(i, i + blocksPerCall)
      const answers = yield* ctx.nodes.callNodeBatch(node, heights.map((h) => ({ method: "eth_getBlockByNumber", params: [hex(h), false] })))
      heights.forEach((h, k) => {
        const a = answers[k]
        if (a?.ok) fetched.set(h, a.result as Block | null)
      })
    }
    for (let h = scan.scanned + 1; h <= until; h++) {
      const block = h === head ? tip : (fetched.get(h) ?? (yield* blockAt(ctx, node, h)))
      if (block?.hash === undefined) break
      const parent = scan.hashes.get(h - 1)
      if (parent !== undefined && block.parentHash !== parent) {
        reorged.push(...rewind(ctx, node, scan, yield* forkPoint(ctx, node, scan, h - 1)))
        break
      }
      scan.hashes.set(h, block.hash)
      scan.scanned = h
      for (const txHash of block.transactions ?? []) {
        const slot = ctx.book.byHash(txHash)
        if (slot === undefined || slot.node !== node || slot.mined !== undefined) continue
        slot.mined = { hash: txHash, block: h, blockHash: block.hash, succeeded: true }
        mined.push(slot)
      }
    }
    const floor = head - ctx.settings.reorgWindowBlocks
    for (const h of [...scan.hashes.keys()]) if (h < floor) scan.hashes.delete(h)
    return { head, mined, reorged }
  })
