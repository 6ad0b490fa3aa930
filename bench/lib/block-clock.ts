/**
 * When transactions were mined, seen from outside: a poller that notes the wall time each
 * new block of an Ethereum node was first seen, and how many transactions it holds.
 *
 * A node that pools what it is sent and mines on an interval (the stack's anvil: a block a
 * second, at most 1,428 transfers in its 30,000,000 gas) answers sends far faster than it
 * can mine them, so the rate of answered sends is not the rate at which it drains a
 * burst. The drain bench times both paths, the node driven directly and the gateway, to
 * the block that holds their last transaction, with this one clock.
 */
import { Effect } from "effect"
import { ethereumCall, type EthereumNode } from "../../src/adapters/ethereum.ts"
import { ratePerSecond, round } from "./stats.ts"

/** One block, when it was first seen (epoch ms), and its transaction count. */
export interface BlockSeen {
  readonly number: number
  readonly seenAt: number
  readonly transactions: number
  /** The hashes of its transactions, lower case: when each one was mined. */
  readonly hashes?: ReadonlyArray<string>
}

/** A running clock: the blocks seen after the start so far; `stop` ends the polling and answers them all. */
export interface BlockClock {
  readonly blocks: () => ReadonlyArray<BlockSeen>
  readonly stop: () => Promise<ReadonlyArray<BlockSeen>>
}

/**
 * When the blocks seen held `total` transactions between them: the `seenAt` of the block
 * that reached the count, or null when they never did.
 */
export const reachedAt = (blocks: ReadonlyArray<BlockSeen>, total: number): number | null => {
  let sum = 0
  for (const b of [...blocks].sort((a, c) => a.number - c.number)) {
    sum += b.transactions
    if (sum >= total) return b.seenAt
  }
  return null
}

/** When each transaction the blocks hold was first seen mined: lower-case hash → epoch ms. */
export const minedTimes = (blocks: ReadonlyArray<BlockSeen>): ReadonlyMap<string, number> => {
  const at = new Map<string, number>()
  for (const b of blocks) for (const h of b.hashes ?? []) if (!at.has(h)) at.set(h, b.seenAt)
  return at
}

/** `count` transactions from `from` (epoch ms) until `to`, per second; null when not measurable. */
export const minedRate = (count: number, from: number | null, to: number | null): number | null =>
  from === null || to === null || to <= from || count <= 0 ? null : round(ratePerSecond(count, to - from), 1)

const call = (node: EthereumNode, method: string, params: readonly unknown[]) => Effect.runPromise(ethereumCall(node, method, params))

/**
 * Starts polling `node`'s head every `everyMs`; blocks above the head at the start are
 * recorded. A poll that fails is skipped (the node may be busy), and a block that could
 * not be read is read at the next poll, counted from then.
 */
export const startBlockClock = async (node: EthereumNode, everyMs = 50, now: () => number = Date.now): Promise<BlockClock> => {
  let known = Number(await call(node, "eth_blockNumber", []))
  const seen: BlockSeen[] = []
  let running = true
  const poll = async () => {
    while (running) {
      await new Promise((r) => setTimeout(r, everyMs))
      const head = await call(node, "eth_blockNumber", []).then(Number, () => known)
      const at = now()
      for (let n = known + 1; n <= head; n++) {
        const block = (await call(node, "eth_getBlockByNumber", [`0x${n.toString(16)}`, false]).catch(() => null)) as { transactions?: ReadonlyArray<unknown> } | null
        // Unread: this block and the ones after it are read again at the next poll.
        if (block?.transactions === undefined) break
        const hashes = block.transactions.filter((h): h is string => typeof h === "string").map((h) => h.toLowerCase())
        seen.push({ number: n, seenAt: at, transactions: block.transactions.length, hashes })
        known = n
      }
    }
  }
  const polling = poll()
  return {
    blocks: () => [...seen],
    stop: async () => {
      running = false
      await polling
      return seen
    },
  }
}

/** How a pass filled the blocks that mined it (see `blockFill`). */
export interface BlockFill {
  /** Blocks from the first one seen after the pass started to the one that held its last transaction. */
  readonly blocks: number
  /** The fewest blocks that could hold the pass at `full` transactions each. */
  readonly fewest: number
  /** Blocks before the first full one: the pass still getting its transactions to the node. */
  readonly ramp: number
  /** Blocks short of full after the first full one, the last block left out (it holds what is left). */
  readonly dips: number
  /** Each block: seconds after the pass started when it was seen, and its transactions. */
  readonly perBlock: ReadonlyArray<readonly [number, number]>
}

/**
 * How the blocks seen since `from` (epoch ms) were filled by a pass of `total`
 * transactions, against blocks of `full` transactions each (the most one block held: a
 * node that mines on an interval caps each block by gas, so a pass that keeps the node's
 * pool ahead of it fills every block). Blocks after the one that held the last
 * transaction are not counted, nor blocks seen before `from` (the clock starts a little
 * before its pass); when no block held them all, every block seen from `from` is.
 */
export const blockFill = (seen: ReadonlyArray<BlockSeen>, total: number, from: number, full: number): BlockFill => {
  const ordered = seen.filter((b) => b.seenAt >= from).sort((a, b) => a.number - b.number)
  const used: BlockSeen[] = []
  let sum = 0
  for (const b of ordered) {
    used.push(b)
    sum += b.transactions
    if (sum >= total) break
  }
  const firstFull = full > 0 ? used.findIndex((b) => b.transactions >= full) : -1
  const ramp = firstFull < 0 ? used.length : firstFull
  const dips = firstFull < 0 ? 0 : used.slice(firstFull, -1).filter((b) => b.transactions < full).length
  return {
    blocks: used.length,
    fewest: full > 0 ? Math.ceil(total / full) : 0,
    ramp,
    dips,
    perBlock: used.map((b) => [round((b.seenAt - from) / 1000, 2), b.transactions] as const),
  }
}
