/**
 * What became of a slot's nonce, judged only from blocks the node has finished.
 *
 * anvil answers a read about its newest block from the block it is still mining
 * (`bun scripts/probe-anvil-newest-block.ts 60`, 6 December: two dev accounts sending
 * transfers, a block a second; a sender's nonce count at `eth_blockNumber` was above that
 * block's final count in 47 of 7,678 reads, its `latest` count above the count of every
 * finished block in 2 of 7,678, a balance at `eth_blockNumber` ahead in 31). So `latest`
 * can count one of our transactions that no finished block holds, while the node neither
 * has its receipt nor keeps it in its pool, and "the nonce is used, by none of our
 * versions" would be concluded from a moment in the middle of a block. Acting on it signs
 * the request again at a new nonce, and both transactions pay.
 *
 * So the count is read at the block below the newest one (its state and receipts are
 * final), and the receipts are asked after it: a nonce that count includes was mined in a
 * finished block, where a receipt of ours is found if one of our versions holds it. The
 * price is one block: a nonce taken in the newest block is judged once the next one comes
 * (on a node that mines only when it has transactions, anvil's automine, that can wait).
 */
import { Effect } from "effect"
import type { EthereumContext } from "./ethereum-context.ts"
import type { MinedAt, Slot } from "./sender-book.ts"

interface Receipt {
  readonly status?: string
  readonly blockNumber?: string
  readonly blockHash?: string
}

/** Which version of a slot a block holds (by receipt), null if none, "unknown" if the node did not answer. */
export const minedByReceipt = (ctx: EthereumContext, slot: Slot): Effect.Effect<MinedAt | null | "unknown"> =>
  Effect.gen(function* () {
    for (const v of [...slot.versions].reverse()) {
      const answer = yield* Effect.option(ctx.nodes.callNode(slot.node, "eth_getTransactionReceipt", [v.hash]))
      if (answer._tag === "None") return "unknown" as const
      const receipt = answer.value as Receipt | null
      if (receipt !== null && receipt.blockNumber !== undefined) {
        return { hash: v.hash, block: Number(receipt.blockNumber), blockHash: receipt.blockHash ?? "", succeeded: receipt.status !== "0x0" }
      }
    }
    return null
  })

/**
 * How many of `sender`'s transactions the blocks below the node's newest one hold: every
 * nonce under it is used for good. Undefined when the node did not answer.
 */
export const settledCountOf = (ctx: EthereumContext, sender: string, node: string): Effect.Effect<number | undefined> =>
  Effect.gen(function* () {
    const best = yield* Effect.option(ctx.nodes.callNode(node, "eth_blockNumber", []))
    if (best._tag === "None") return undefined
    const below = Number(best.value) - 1
    if (!Number.isInteger(below)) return undefined
    if (below < 0) return 0
    const count = yield* Effect.option(ctx.nodes.callNode(node, "eth_getTransactionCount", [sender, `0x${below.toString(16)}`]))
    return count._tag === "None" ? undefined : Number(count.value)
  })

/**
 * - `open`: no finished block uses the nonce yet (or the node did not say): wait;
 * - `ours`: one of the slot's versions was mined at it;
 * - `taken`: a finished block used it for another transaction: none of ours can ever be mined.
 */
export type NonceFate = { readonly _tag: "open" } | { readonly _tag: "ours"; readonly mined: MinedAt } | { readonly _tag: "taken" }

/** What became of `slot`'s nonce (see the module comment). */
export const nonceFate = (ctx: EthereumContext, slot: Slot): Effect.Effect<NonceFate> =>
  Effect.gen(function* () {
    const settled = yield* settledCountOf(ctx, slot.sender, slot.node)
    if (settled === undefined || settled <= slot.nonce) return { _tag: "open" } as const
    const found = yield* minedByReceipt(ctx, slot)
    if (found === "unknown") return { _tag: "open" } as const
    return found === null ? ({ _tag: "taken" } as const) : ({ _tag: "ours", mined: found } as const)
  })
