/**
 * The Ethereum tracker round of one partition executor: follows every slot the book
 * holds until it is final.
 *
 * The fast path is the host's chain follower (chain-follower.ts), which reads each new
 * block once for every partition: slots whose hashes appear are mined, and a reorg
 * un-mines the slots above its fork, whose same bytes are sent again. A mined contract
 * call's receipt says whether the EVM reverted it.
 *
 * The slow path looks only at a sender whose lowest unmined slot has waited longer than
 * `rebroadcast_after_s`: its mined-nonce count in the finished blocks (nonce-fate.ts) says whether the slot's nonce was used
 * (by one of its versions, found by receipt — mined before this executor looked — or by
 * another transaction, and then the request is signed again elsewhere); a node that
 * forgot the slot gets the same bytes again, with any nonce below it that nothing holds
 * filled; and a slot unmined for `bump_after_s`, or passed over for a few blocks while
 * its nonce was the sender's next, is signed again with higher fees.
 */
import { Effect } from "effect"
import type { StatusRecord } from "../../domain/status.ts"
import type { Fenced } from "../durable.ts"
import { broadcastSlot, knownToNode } from "./broadcast.ts"
import type { FollowerRegistration } from "./chain-follower.ts"
import type { EthereumContext } from "./ethereum-context.ts"
import { afterBroadcast, bumpSlot, cancelSlot, fillNonce, ownerRecord, recordDurably, pendingCountOf, resignElsewhere } from "./slot-actions.ts"
import { cancelSigned, minedAsCancel, slotOf } from "./slot-records.ts"
import { unfilledNonces, type SenderState, type Slot } from "./sender-book.ts"
import { executorEvents } from "../events.ts"
import { stoodStillBefore, timeToReconcile } from "../reconcile-clock.ts"
import { minedByReceipt, settledCountOf } from "./nonce-fate.ts"

/** A node whose head has not moved this long while it holds our unmined transactions is reported as stalled. */
const stallAfterMs = 15_000

/** When each node's head last moved, and whether its stall was reported, per partition. */
export type HeadWatch = Map<string, { head: number; since: number; reported: boolean }>

/** Reports, once per stall, a node whose head stopped while it holds unmined transactions of this partition. */
const watchStall = (ctx: EthereumContext, watch: HeadWatch, node: string, head: number) => {
  const now = ctx.now()
  const last = watch.get(node)
  if (last === undefined || last.head !== head) {
    if (last?.reported) ctx.log.info(executorEvents.nodeResumed, { partition: ctx.partition, node, head })
    watch.set(node, { head, since: now, reported: false })
    return
  }
  if (last.reported || now - last.since < stallAfterMs) return
  let waiting = 0
  for (const sender of ctx.book.all()) for (const slot of sender.slots.values()) if (slot.node === node && slot.mined === undefined && slot.sentAt !== undefined) waiting += 1
  if (waiting === 0) return
  last.reported = true
  ctx.log.warn(executorEvents.nodeStalled, { partition: ctx.partition, node, head, seconds: Math.round((now - last.since) / 1000), waiting, hint: "the node holds sent transactions but mines no block; check it (anvil automine can stall: foundry-rs/foundry#10122)" })
}

/** Learns whether mined contract calls succeeded (a plain transfer cannot revert). */
const readOutcomes = (ctx: EthereumContext, slots: readonly Slot[]) =>
  Effect.forEach(slots.filter((s) => s.call && s.mined !== undefined), (slot) =>
    Effect.gen(function* () {
      const found = yield* minedByReceipt(ctx, slot)
      if (found !== "unknown" && found !== null) slot.mined = found
    }), { discard: true })

/**
 * Blocks a slot may be passed over while it is executable (its nonce is the sender's
 * next) before it is signed again with higher fees, whatever `bump_after_s` says: a node
 * that mines blocks without a transaction it could include either prices it out (its tip)
 * or lost track of it (anvil can leave a ready transaction queued: foundry-rs/foundry#10122),
 * and a replacement cures both.
 */
const passedOverBlocks = 3

/** The block at which each slot was first seen executable but unmined. */
const executableSince = new WeakMap<Slot, number>()

/** The slow path for one sender whose lowest unmined slot has waited too long (see the module comment). */
const unstick = (ctx: EthereumContext, sender: SenderState, lowest: Slot, head: number | undefined) =>
  Effect.gen(function* () {
    const node = lowest.node
    const count = Number(yield* ctx.nodes.callNode(node, "eth_getTransactionCount", [sender.address, "latest"]))
    // Judged from finished blocks only, counted before the receipts are asked (nonce-fate.ts):
    // a nonce in the block being mined may have no receipt yet, and is looked at next round.
    const settled = yield* settledCountOf(ctx, sender.address, node)
    if (settled === undefined) return
    for (const slot of ctx.book.unmined(sender)) {
      if (slot.nonce >= settled || !slot.recorded) break
      const found = yield* minedByReceipt(ctx, slot)
      if (found === "unknown") return
      if (found === null) {
        // Another transaction took this nonce in a finished block: none of ours can ever be mined there.
        const pending = yield* pendingCountOf(ctx, sender.address, node)
        if (pending !== undefined) yield* resignElsewhere(ctx, slot, pending)
        continue
      }
      slot.mined = found
    }
    const stuck = ctx.book.unmined(sender).find((s) => s.recorded)
    if (stuck === undefined) return
    // Nothing of ours below the lowest unmined slot and above the chain's nonce: a gap that
    // nothing will fill (a nonce left behind after a refusal), which holds every later slot.
    if (stuck.nonce > count) yield* fillGaps(ctx, sender, count, node)
    const now = ctx.now()
    if (!(yield* knownToNode(ctx.nodes, node, stuck.versions.map((v) => v.hash)))) {
      ctx.log.warn(executorEvents.rebroadcast, { partition: ctx.partition, sender: sender.address, nonce: stuck.nonce, reason: "the node no longer knows it" })
      for (const slot of ctx.book.unmined(sender)) slot.sentAt = undefined
      yield* fillGaps(ctx, sender, count, node)
      yield* sendInOrder(ctx, sender)
      return
    }
    stuck.sentAt ??= now
    const sinceVersion = now - (stuck.versions.at(-1)?.at ?? 0)
    if (stuck.nonce === count && head !== undefined && !executableSince.has(stuck)) executableSince.set(stuck, head)
    const passedOver = head !== undefined && head - (executableSince.get(stuck) ?? head) >= passedOverBlocks
    if ((now - stuck.sentAt >= ctx.settings.bumpAfterMs && sinceVersion >= ctx.settings.bumpAfterMs) || (passedOver && sinceVersion >= ctx.settings.rebroadcastAfterMs)) {
      if (passedOver) ctx.log.warn(executorEvents.passedOver, { partition: ctx.partition, sender: sender.address, nonce: stuck.nonce, blocks: head - (executableSince.get(stuck) ?? head) })
      executableSince.delete(stuck)
      yield* bumpSlot(ctx, stuck)
    }
  })

/** Most gap-filling self-transfers one sender gets per tracker round. */
const maxFillsPerRound = 64

/**
 * Takes into the book every request of this partition that the records say is signed or
 * submitted at one of `nonces` and that the book does not hold, so its recorded bytes are
 * sent again instead of a filler taking its nonce. A takeover rebuilds the book from
 * those records, so this finds something only when the rebuild missed one (as a host with
 * both roles did before its records kept their partition); a request the book already
 * holds at another nonce (moved after a refusal, its newer record not yet seen) is left
 * alone. Returns the nonces it filled this way.
 */
const adoptRecorded = (ctx: EthereumContext, sender: SenderState, nonces: ReadonlySet<number>): ReadonlySet<number> => {
  if (nonces.size === 0) return new Set()
  const held = new Set([...sender.slots.values()].map((s) => s.owner))
  const adopted = new Set<number>()
  for (const record of ctx.records.awaitingOf(sender.address)) {
    if (record.partition !== ctx.partition || record.nonce === undefined || !nonces.has(record.nonce) || held.has(record.id) || adopted.has(record.nonce)) continue
    const slot = slotOf(record)
    if (slot === undefined) continue
    ctx.book.put(slot)
    adopted.add(slot.nonce)
    ctx.log.warn(executorEvents.gapAdopted, { partition: ctx.partition, sender: sender.address, nonce: slot.nonce, id: record.id, status: record.status })
  }
  return adopted
}

/**
 * Takes back every Ethereum request of the partition that the status store records as
 * signed or submitted, that has not moved for `reconcileAfterMs`, and that the book does
 * not hold: a request a takeover missed, whose transaction the node may well hold or have
 * mined, which nothing would otherwise follow to a final status (it stayed `signed` for
 * good). It is followed as a takeover follows what it rebuilds: its recorded bytes are
 * sent again and its receipt read. One whose nonce the book holds for another request is
 * left, and logged.
 */
export const reconcileBook = (ctx: EthereumContext): void => {
  const now = ctx.now()
  if (!timeToReconcile(ctx.book, now)) return
  const held = new Set<string>()
  for (const sender of ctx.book.all()) for (const slot of sender.slots.values()) held.add(slot.owner)
  for (const record of ctx.records.awaitingIn(ctx.partition, stoodStillBefore(now))) {
    if (record.chain !== "ethereum" || held.has(record.id)) continue
    const slot = slotOf(record)
    if (slot === undefined) continue
    const there = ctx.book.get(slot.sender).slots.get(slot.nonce)
    ctx.log.warn(executorEvents.untrackedAdopted, { partition: ctx.partition, sender: slot.sender, nonce: slot.nonce, id: record.id, status: record.status, adopted: there === undefined, ...(there === undefined ? {} : { nonce_held_by: there.owner }) })
    if (there === undefined) ctx.book.put(slot)
  }
}

/** Fills the nonces below the sender's next one that nothing holds: with a recorded request of ours if there is one, else a zero-value self-transfer. */
export const fillGaps = (ctx: EthereumContext, sender: SenderState, minedCount: number, node: string) =>
  Effect.gen(function* () {
    if (sender.next === undefined) return
    const pending = yield* pendingCountOf(ctx, sender.address, node)
    if (pending === undefined) return
    const gaps = unfilledNonces(minedCount, pending, sender.next, new Set(sender.slots.keys()))
    const adopted = adoptRecorded(ctx, sender, new Set(gaps))
    // At most `maxFillsPerRound` at a time, lowest first: the rest follow in later rounds, once these are in.
    for (const nonce of gaps.filter((n) => !adopted.has(n)).slice(0, maxFillsPerRound)) yield* fillNonce(ctx, sender.address, nonce, node)
  })

/** Sends every unmined, recorded slot of the sender that is not known to be in, in nonce order. */
const sendInOrder = (ctx: EthereumContext, sender: SenderState) =>
  Effect.gen(function* () {
    for (const slot of ctx.book.unmined(sender)) {
      if (!slot.recorded || slot.inRun === true || (slot.sentAt !== undefined && slot.refused === undefined)) continue
      const outcome = yield* broadcastSlot(ctx.nodes, ctx.recorder, slot, ctx.now)
      yield* afterBroadcast(ctx, slot, outcome)
      if (outcome._tag === "unanswered") return
    }
  })

/** Whether a sender needs the slow path or a send this round. */
const followSender = (ctx: EthereumContext, sender: SenderState, head: number | undefined) =>
  Effect.gen(function* () {
    const lowest = ctx.book.unmined(sender).find((s) => s.recorded)
    // A run is sending it (and the slots above it) right now, and acts on each answer.
    if (lowest === undefined || lowest.inRun === true) return
    const now = ctx.now()
    const waited = now - (lowest.triedAt ?? 0)
    if (lowest.sentAt === undefined || lowest.refused !== undefined) {
      // Never sent (restored, or its broadcast went unanswered) or refused: send again, paced.
      if (lowest.triedAt === undefined || waited >= Math.min(1_000, ctx.settings.rebroadcastAfterMs)) yield* sendInOrder(ctx, sender)
      if (lowest.triedAt === undefined || waited < ctx.settings.rebroadcastAfterMs) return
    } else if (now - lowest.sentAt < ctx.settings.rebroadcastAfterMs) {
      return
    }
    yield* unstick(ctx, sender, lowest, head)
  })

/** Records what changed: submitted, confirmed or failed, or back to submitted after a reorg; drops slots deep enough. */
const settle = (ctx: EthereumContext, heads: ReadonlyMap<string, number>, reorged: ReadonlySet<Slot>, out: StatusRecord[]) => {
  for (const sender of ctx.book.all()) {
    for (const slot of [...sender.slots.values()]) {
      if (!slot.recorded) continue
      if (reorged.has(slot) && slot.reported !== "signed" && slot.reported !== "submitted") {
        const record = ownerRecord(ctx, slot, "submitted", "the block that held it was reorged away; the same bytes are sent again")
        if (record !== undefined) out.push(record)
        slot.reported = "submitted"
        continue
      }
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
      const ended = slot.reported === "confirmed" || slot.reported === "failed" || slot.reported === "cancelled"
      if (!ended && depth >= ctx.settings.confirmations) {
        const cancelled = minedAsCancel(slot)
        const status = cancelled ? "cancelled" : slot.mined.succeeded || slot.filler ? "confirmed" : "failed"
        const reason = cancelled
          ? `cancelled: its replacement, a zero-value self-transfer (${slot.mined.hash}), was mined at nonce ${slot.nonce}; the request itself was never mined`
          : status === "failed"
            ? "the transaction was mined but the EVM reverted it"
            : cancelSigned(slot)
              ? "a cancel was asked for, but the request was mined before its replacement"
              : undefined
        const record = ownerRecord(ctx, slot, status, reason)
        if (record !== undefined) out.push({ ...record, confirmations: depth })
        slot.reported = status
      }
      if (depth > ctx.settings.reorgWindowBlocks && (slot.reported === "confirmed" || slot.reported === "failed" || slot.reported === "cancelled")) ctx.book.drop(slot.sender, slot.nonce)
    }
  }
}

/** One tracker round (see the module comment). */
export const trackEthereum = (ctx: EthereumContext, follower: { readonly head: (node: string) => number | undefined }, registration: FollowerRegistration, watch: HeadWatch): Effect.Effect<void, Fenced> =>
  Effect.gen(function* () {
    const { mined, reorged } = registration.drain()
    yield* readOutcomes(ctx, mined)
    reconcileBook(ctx)
    const nodes = [...ctx.book.nodes()]
    const headsNow = new Map<string, number>()
    for (const node of nodes) {
      const head = follower.head(node)
      if (head === undefined) continue
      headsNow.set(node, head)
      watchStall(ctx, watch, node, head)
    }
    // Requests their clients cancelled while their transactions wait to be mined: replace them.
    for (const sender of [...ctx.book.all()]) {
      for (const slot of [...sender.slots.values()]) {
        if (slot.mined !== undefined || slot.filler || slot.clientSigned || !slot.recorded || slot.inRun === true || cancelSigned(slot) || !ctx.records.cancelRequested(slot.owner)) continue
        yield* Effect.catch(cancelSlot(ctx, slot), (e) => (e._tag === "WriterFenced" || e._tag === "CommitAmbiguous" ? Effect.fail(e) : Effect.void))
      }
    }
    for (const sender of [...ctx.book.all()]) {
      if (sender.slots.size === 0) continue
      // A node that does not answer leaves the sender for next round; losing the partition stops the round.
      const node = ctx.book.unmined(sender)[0]?.node
      yield* Effect.catch(followSender(ctx, sender, node === undefined ? undefined : headsNow.get(node)), (e) => (e._tag === "WriterFenced" || e._tag === "CommitAmbiguous" ? Effect.fail(e) : Effect.void))
    }
    const out: StatusRecord[] = []
    settle(ctx, headsNow, new Set(reorged), out)
    if (out.length > 0) yield* recordDurably(ctx, out)
  })
