/**
 * The Ethereum tracker round of one partition executor: follows every slot the book
 * holds until it is final, with as few node calls as the answers allow.
 *
 * Per node: the head, and the hash of the highest block checked last round. Blocks
 * commit to their parents, so an unchanged hash there means nothing below it changed; a
 * changed one means a reorg, and every transaction mined at or above the fork is looked
 * up again (one that is gone goes back to `submitted`, and its same bytes are sent again).
 *
 * Per sender with unmined slots: its mined-nonce count. Slots below it were mined by one
 * of their versions (a receipt says which) or, if none of ours has a receipt, by another
 * transaction, and the request is signed again elsewhere. The lowest slot above it is the
 * one that holds the others back: sent again when the node forgot it, bumped when it sat
 * unmined for `bump_after_s`, and any nonce below it that nothing holds is filled.
 */
import { Effect } from "effect"
import type { StatusRecord } from "../../domain/status.ts"
import type { Fenced } from "../durable.ts"
import { broadcastSlot, knownToNode } from "./broadcast.ts"
import type { EthereumContext } from "./ethereum-context.ts"
import { afterBroadcast, bumpSlot, fillNonce, ownerRecord, pendingCountOf, recordDurably, resignElsewhere } from "./slot-actions.ts"
import { unfilledNonces, type SenderState, type Slot } from "./sender-book.ts"

interface Receipt {
  readonly status?: string
  readonly blockNumber?: string
  readonly blockHash?: string
}

interface Block {
  readonly hash?: string
  readonly number?: string
}

/** The highest block a node's mined slots were checked against, per node. */
export type VerifiedHeads = Map<string, { readonly height: number; readonly hash: string }>

const hex = (n: number) => `0x${n.toString(16)}`

/** The receipt of `hash` on `node`, or null; undefined when the node did not answer. */
const receiptOf = (ctx: EthereumContext, node: string, hash: string) =>
  Effect.map(Effect.option(ctx.nodes.callNode(node, "eth_getTransactionReceipt", [hash])), (r) => (r._tag === "Some" ? (r.value as Receipt | null) : undefined))

/** Which version of a slot a block holds, if any. */
const findMined = (ctx: EthereumContext, slot: Slot) =>
  Effect.gen(function* () {
    for (const v of [...slot.versions].reverse()) {
      const receipt = yield* receiptOf(ctx, slot.node, v.hash)
      if (receipt === undefined) return "unknown" as const
      if (receipt !== null && receipt.blockNumber !== undefined) {
        return { hash: v.hash, block: Number(receipt.blockNumber), blockHash: receipt.blockHash ?? "", succeeded: receipt.status !== "0x0" }
      }
    }
    return null
  })

/** Looks again at every mined slot of `node` from a reorg: those no block holds any more go back to being sent. */
const afterReorg = (ctx: EthereumContext, node: string, out: StatusRecord[]) =>
  Effect.gen(function* () {
    for (const sender of ctx.book.all()) {
      for (const slot of sender.slots.values()) {
        if (slot.node !== node || slot.mined === undefined) continue
        const found = yield* findMined(ctx, slot)
        if (found === "unknown") continue
        if (found !== null && found.blockHash === slot.mined.blockHash) continue
        const was = slot.mined
        ctx.log.warn("partition-executor.reorged", { partition: ctx.partition, id: slot.owner, txid: was.hash, block: was.block, now: found === null ? null : found.block })
        slot.mined = found === null ? undefined : found
        if (found === null) {
          slot.sentAt = undefined
          const record = ownerRecord(ctx, slot, "submitted", `block ${was.block} that held it was reorged away; the same bytes are sent again`)
          if (record !== undefined) out.push(record)
          slot.reported = "submitted"
        }
      }
    }
  })

/** Checks `node`'s chain for a reorg since last round and moves the checked head up. */
const checkHead = (ctx: EthereumContext, node: string, verified: VerifiedHeads, out: StatusRecord[]) =>
  Effect.gen(function* () {
    const latest = (yield* ctx.nodes.callNode(node, "eth_getBlockByNumber", ["latest", false])) as Block | null
    const head = Number(latest?.number ?? Number.NaN)
    if (!Number.isFinite(head) || latest?.hash === undefined) return undefined
    const last = verified.get(node)
    if (last !== undefined) {
      const then = last.height === head ? latest : ((yield* ctx.nodes.callNode(node, "eth_getBlockByNumber", [hex(last.height), false])) as Block | null)
      if (then?.hash !== last.hash) yield* afterReorg(ctx, node, out)
    }
    verified.set(node, { height: head, hash: latest.hash })
    return head
  })

/** One sender's unmined slots: which got mined, and whether the lowest needs help. */
const followSender = (ctx: EthereumContext, sender: SenderState, out: StatusRecord[]) =>
  Effect.gen(function* () {
    const unmined = ctx.book.unmined(sender).filter((s) => s.recorded)
    if (unmined.length === 0) return
    const node = unmined[0]?.node ?? ""
    const count = Number(yield* ctx.nodes.callNode(node, "eth_getTransactionCount", [sender.address, "latest"]))
    for (const slot of unmined) {
      if (slot.nonce >= count) break
      const found = yield* findMined(ctx, slot)
      if (found === "unknown") return
      if (found === null) {
        // Another transaction took this nonce: none of ours can ever be mined there.
        const pending = yield* pendingCountOf(ctx, sender.address, node)
        if (pending !== undefined) yield* resignElsewhere(ctx, slot, pending)
        continue
      }
      slot.mined = found
    }
    const lowest = ctx.book.unmined(sender).find((s) => s.recorded)
    if (lowest === undefined) return
    const now = ctx.now()
    if (lowest.sentAt === undefined || (lowest.refused !== undefined && now - (lowest.triedAt ?? 0) >= ctx.settings.rebroadcastAfterMs)) {
      yield* sendInOrder(ctx, sender)
      return
    }
    if (now - lowest.sentAt < ctx.settings.rebroadcastAfterMs) return
    if (!(yield* knownToNode(ctx.nodes, node, lowest.versions.map((v) => v.hash)))) {
      ctx.log.warn("partition-executor.rebroadcast", { partition: ctx.partition, sender: sender.address, nonce: lowest.nonce, reason: "the node no longer knows it" })
      for (const slot of ctx.book.unmined(sender)) slot.sentAt = undefined
      yield* fillGaps(ctx, sender, count, node)
      yield* sendInOrder(ctx, sender)
      return
    }
    if (now - lowest.sentAt >= ctx.settings.bumpAfterMs && now - (lowest.versions.at(-1)?.at ?? 0) >= ctx.settings.bumpAfterMs) yield* bumpSlot(ctx, lowest)
  })

/** Fills the nonces below the sender's next one that nothing holds. */
const fillGaps = (ctx: EthereumContext, sender: SenderState, minedCount: number, node: string) =>
  Effect.gen(function* () {
    if (sender.next === undefined) return
    const pending = yield* pendingCountOf(ctx, sender.address, node)
    if (pending === undefined) return
    for (const nonce of unfilledNonces(minedCount, pending, sender.next, new Set(sender.slots.keys()))) yield* fillNonce(ctx, sender.address, nonce, node)
  })

/** Sends every unmined, recorded slot of the sender that is not known to be in, in nonce order. */
const sendInOrder = (ctx: EthereumContext, sender: SenderState) =>
  Effect.gen(function* () {
    for (const slot of ctx.book.unmined(sender)) {
      if (!slot.recorded || (slot.sentAt !== undefined && slot.refused === undefined)) continue
      const outcome = yield* broadcastSlot(ctx.nodes, ctx.recorder, slot, ctx.now)
      yield* afterBroadcast(ctx, slot, outcome)
      if (outcome._tag === "unanswered") return
    }
  })

/** Records what changed for mined slots: submitted, confirmed or failed; and drops slots deep enough. */
const settle = (ctx: EthereumContext, heads: ReadonlyMap<string, number>, out: StatusRecord[]) => {
  for (const sender of ctx.book.all()) {
    for (const slot of [...sender.slots.values()]) {
      if (!slot.recorded) continue
      const head = heads.get(slot.node)
      if (slot.mined === undefined) {
        if (slot.sentAt !== undefined && slot.reported === "signed") {
          const record = ownerRecord(ctx, slot, "submitted")
          if (record !== undefined) out.push(record)
          slot.reported = "submitted"
        }
        continue
      }
      if (head === undefined) continue
      const depth = head - slot.mined.block + 1
      if (slot.reported !== "confirmed" && slot.reported !== "failed" && depth >= ctx.settings.confirmations) {
        const status = slot.mined.succeeded || slot.filler ? "confirmed" : "failed"
        const record = ownerRecord(ctx, slot, status, status === "failed" ? "the transaction was mined but reverted" : undefined)
        if (record !== undefined) out.push({ ...record, confirmations: depth })
        slot.reported = status
      }
      if (depth > ctx.settings.reorgWindowBlocks && (slot.reported === "confirmed" || slot.reported === "failed")) ctx.book.drop(slot.sender, slot.nonce)
    }
  }
}

/** One tracker round (see the module comment). */
export const trackEthereum = (ctx: EthereumContext, verified: VerifiedHeads): Effect.Effect<void, Fenced> =>
  Effect.gen(function* () {
    const out: StatusRecord[] = []
    const nodes = new Set<string>()
    for (const sender of ctx.book.all()) for (const slot of sender.slots.values()) nodes.add(slot.node)
    const heads = new Map<string, number>()
    for (const node of nodes) {
      const head = yield* Effect.orElseSucceed(checkHead(ctx, node, verified, out), () => undefined)
      if (head !== undefined) heads.set(node, head)
    }
    for (const sender of [...ctx.book.all()]) {
      if (sender.slots.size === 0) continue
      // A node that does not answer leaves the sender for next round; losing the partition stops the round.
      yield* Effect.catch(followSender(ctx, sender, out), (e) => (e._tag === "WriterFenced" || e._tag === "CommitAmbiguous" ? Effect.fail(e) : Effect.void))
    }
    settle(ctx, heads, out)
    if (out.length > 0) yield* recordDurably(ctx, out)
  })
