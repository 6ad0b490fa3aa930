/**
 * What a burst's senders put on chain, read from the blocks themselves: the check that a
 * bench's drain paid each request once. The statuses a bench follows say what the gateway
 * believes; a request signed again at a new nonce while its first transaction was mined
 * is two transfers on chain and one `confirmed` status, and only the blocks show it.
 *
 * A burst's senders are fresh keys (fresh-keys.ts), so every transaction of theirs in the
 * pass's blocks is the gateway's: a transfer to another address pays a request, and a
 * zero-value transfer to the sender itself fills a nonce (the executor's filler or cancel).
 */
import { Effect } from "effect"
import { ethereumCall, type EthereumNode } from "../../src/adapters/ethereum.ts"

/** The senders' transactions in a range of blocks. */
export interface SenderTally {
  readonly fromBlock: number
  readonly toBlock: number
  /** Transactions from a sender to another address: requests paid. */
  readonly transfers: number
  /** Transactions from a sender to itself: nonces filled. */
  readonly selfTransfers: number
}

interface BlockTransactions {
  readonly transactions: ReadonlyArray<{ readonly from?: string; readonly to?: string | null } | string>
}

/** Counts one block's transactions from `senders` (lower-case addresses); a block read without its transactions counts nothing. */
export const tallyBlock = (block: BlockTransactions | null, senders: ReadonlySet<string>): { transfers: number; selfTransfers: number } => {
  let transfers = 0
  let selfTransfers = 0
  for (const tx of block?.transactions ?? []) {
    if (typeof tx === "string") continue
    const from = tx.from?.toLowerCase()
    if (from === undefined || !senders.has(from)) continue
    if (tx.to?.toLowerCase() === from) selfTransfers += 1
    else transfers += 1
  }
  return { transfers, selfTransfers }
}

/** Reads blocks `fromBlock` to `toBlock` of `node` with their transactions and tallies those of `senders`. */
export const tallySenders = async (node: EthereumNode, senders: Iterable<string>, fromBlock: number, toBlock: number): Promise<SenderTally> => {
  const wanted = new Set([...senders].map((s) => s.toLowerCase()))
  let transfers = 0
  let selfTransfers = 0
  for (let b = fromBlock; b <= toBlock; b++) {
    const block = (await Effect.runPromise(ethereumCall(node, "eth_getBlockByNumber", [`0x${b.toString(16)}`, true]))) as BlockTransactions | null
    const t = tallyBlock(block, wanted)
    transfers += t.transfers
    selfTransfers += t.selfTransfers
  }
  return { fromBlock, toBlock, transfers, selfTransfers }
}

/** The head of `node`. */
export const headOf = async (node: EthereumNode): Promise<number> => Number(await Effect.runPromise(ethereumCall(node, "eth_blockNumber", [])))
