/**
 * What the executor does to a slot after the node answered: the steps the run (right
 * after its broadcast) and the tracker (on every round) share. Every new set of bytes —
 * a fee bump, a filler, a request signed again because another transaction took its
 * nonce — is recorded before it is broadcast.
 *
 * A refusal for good (insufficient funds, intrinsic gas, an invalid transaction) fails
 * the request with the node's reason. Its nonce must not stay empty, or every later
 * nonce of the sender waits forever: the next request reuses it if nothing later was
 * signed, else a zero-value self-transfer (a filler) takes it.
 */
import { Effect } from "effect"
import { replaceableFields } from "../../adapters/ethereum-codec.ts"
import type { RefusalKind } from "../../adapters/node-errors.ts"
import { nextRecord } from "../../domain/status-record.ts"
import type { StatusRecord } from "../../domain/status.ts"
import { commitDurably, type Fenced } from "../durable.ts"
import type { CommitProof } from "../ports.ts"
import { type BroadcastOutcome, broadcastSlot, knownToNode } from "./broadcast.ts"
import type { EthereumContext } from "./ethereum-context.ts"
import { bumpedFees, freshFees, type Fees } from "./fee-policy.ts"
import { cancelSigned, fillerRecord, fillerId, slotFields } from "./slot-records.ts"
import { afterRefusal, currentVersion, type Slot, type SlotVersion } from "./sender-book.ts"
import { nonceFate } from "./nonce-fate.ts"
import { executorEvents } from "../events.ts"

/** Refusals that no retry of the same bytes can cure. */
const forGood: ReadonlySet<RefusalKind> = new Set<RefusalKind>(["insufficient-funds", "intrinsic-gas", "gas-limit", "invalid", "reverted", "other", "conflict", "inputs-spent", "wallet-locked"])

/**
 * Signs `fields` at `nonce` with `fees` as a new version. Only the four fields are taken:
 * those read back from earlier bytes carry that transaction's nonce too, and spread over
 * the new one it signed a request "again at nonce 2" with nonce 0's bytes, which the node
 * refused as "nonce too low" for good (test/faults/nonce-taken.test.ts).
 */
const signVersion = (ctx: EthereumContext, sender: string, nonce: number, fields: { to: string; value: bigint; data: string; gasLimit: bigint }, fees: Fees): SlotVersion | undefined => {
  const signer = ctx.signers.get(sender)
  if (signer === undefined) return undefined
  const { to, value, data, gasLimit } = fields
  const signed = signer.sign({ chainId: ctx.settings.chainId, nonce, to, value, data, gasLimit, maxFeePerGas: fees.maxFee, maxPriorityFeePerGas: fees.tip })
  return { hash: signed.hash, raw: signed.raw, fees, at: ctx.now() }
}

/** The record of the slot's owner with the slot's current fields (and `status`, `reason`), next revision. */
export const ownerRecord = (ctx: EthereumContext, slot: Slot, status: StatusRecord["status"], reason?: string): StatusRecord | undefined => {
  const prior = ctx.records.get(slot.owner)
  if (slot.filler) return fillerRecord(slot, prior, status, ctx.partition, ctx.now(), reason)
  if (prior === undefined) return undefined
  return nextRecord(prior, status, ctx.now(), { ...slotFields(slot), partition: ctx.partition, ...(reason ? { reason } : {}) })
}

/** Commits `records` and remembers them. */
export const recordDurably = (ctx: EthereumContext, records: readonly StatusRecord[], finishes: readonly bigint[] = []): Effect.Effect<CommitProof, Fenced> =>
  Effect.tap(commitDurably(ctx.recorder, records, finishes), () => Effect.sync(() => ctx.records.remember(records)))

/**
 * Records a new slot (or new version of one) and broadcasts it; the book holds it from now
 * on. A copy of a slot a run still holds (`inRun`) is not the run's: `bumpSlot`, `cancelSlot`
 * and `resignElsewhere` clear the mark in their copies.
 */
const recordAndSend = (ctx: EthereumContext, slot: Slot, status: StatusRecord["status"], reason?: string): Effect.Effect<void, Fenced> =>
  Effect.gen(function* () {
    slot.recorded = false
    ctx.book.put(slot)
    const record = ownerRecord(ctx, slot, status, reason)
    yield* recordDurably(ctx, record === undefined ? [] : [record])
    slot.recorded = true
    slot.reported = status
    const outcome = yield* broadcastSlot(ctx.nodes, ctx.recorder, slot, ctx.now)
    yield* afterBroadcast(ctx, slot, outcome)
  })

/** A zero-value self-transfer at `nonce`, so the sender's later nonces can be mined. */
export const fillNonce = (ctx: EthereumContext, sender: string, nonce: number, node: string): Effect.Effect<void, Fenced> =>
  Effect.gen(function* () {
    const market = yield* Effect.option(ctx.market(node))
    if (market._tag === "None") return
    const version = signVersion(ctx, sender, nonce, { to: sender, value: 0n, data: "0x", gasLimit: 21_000n }, freshFees(market.value, ctx.settings.fees))
    if (version === undefined) return
    ctx.log.warn(executorEvents.nonceFilled, { partition: ctx.partition, sender, nonce })
    const slot: Slot = {
      sender, nonce, owner: fillerId(sender, nonce), filler: true, clientSigned: false, call: false, versions: [version], node,
      sentAt: undefined, mined: undefined, refused: undefined, recorded: false, reported: "signed", triedAt: ctx.now(),
    }
    yield* recordAndSend(ctx, slot, "signed")
  })

/**
 * Signs the slot's transaction again at the same nonce with higher fees, records it, and
 * broadcasts it. Stops at the fee cap, saying so in the owner's record once.
 */
export const bumpSlot = (ctx: EthereumContext, slot: Slot): Effect.Effect<void, Fenced> =>
  Effect.gen(function* () {
    if (slot.clientSigned) return
    const current = currentVersion(slot)
    const fields = replaceableFields(current.raw)
    const market = yield* Effect.option(ctx.market(slot.node))
    if (fields === undefined || market._tag === "None") return
    const bump = bumpedFees(current.fees, market.value, ctx.settings.fees)
    if (bump._tag === "capped") {
      const reason = `fee cap reached: the transaction offers ${current.fees.maxFee} wei/gas and a replacement would pass [chains.ethereum].max_fee_gwei; it waits for the base fee to fall`
      if (slot.refused !== reason) {
        slot.refused = reason
        ctx.log.warn(executorEvents.feeCapped, { partition: ctx.partition, id: slot.owner, nonce: slot.nonce })
        const record = ownerRecord(ctx, slot, slot.reported as StatusRecord["status"], reason)
        if (record !== undefined) yield* recordDurably(ctx, [record])
      }
      return
    }
    const signed = signVersion(ctx, slot.sender, slot.nonce, fields, bump.fees)
    if (signed === undefined) return
    // A bump of the cancelling self-transfer is still the cancel.
    const version: SlotVersion = current.cancel ? { ...signed, cancel: true } : signed
    ctx.log.info(executorEvents.feeBumped, { partition: ctx.partition, id: slot.owner, nonce: slot.nonce, max_fee: String(bump.fees.maxFee), tip: String(bump.fees.tip), version: slot.versions.length + 1 })
    const bumped: Slot = { ...slot, versions: [...slot.versions, version], sentAt: undefined, refused: undefined, recorded: false, triedAt: ctx.now(), inRun: undefined }
    yield* recordAndSend(ctx, bumped, slot.reported as StatusRecord["status"])
  })

/**
 * Replaces the slot's transaction, which its client cancelled, by a zero-value
 * self-transfer at the same nonce with higher fees: recorded as a new version (marked
 * `cancel`), then broadcast. Best effort: whichever version is mined is the outcome, and
 * the tracker records `cancelled` or `confirmed` accordingly. A client-signed
 * transaction cannot be replaced (the gateway has no key for it), nor one at the fee cap.
 */
export const cancelSlot = (ctx: EthereumContext, slot: Slot): Effect.Effect<void, Fenced> =>
  Effect.gen(function* () {
    if (slot.filler || slot.clientSigned || slot.mined !== undefined || !slot.recorded || cancelSigned(slot)) return
    const current = currentVersion(slot)
    const market = yield* Effect.option(ctx.market(slot.node))
    if (market._tag === "None") return
    const bump = bumpedFees(current.fees, market.value, ctx.settings.fees)
    if (bump._tag === "capped") {
      const reason = `cancel requested, but a replacement would pass [chains.ethereum].max_fee_gwei; the transaction stands`
      if (slot.refused !== reason) {
        slot.refused = reason
        const record = ownerRecord(ctx, slot, slot.reported as StatusRecord["status"], reason)
        if (record !== undefined) yield* recordDurably(ctx, [record])
      }
      return
    }
    const signed = signVersion(ctx, slot.sender, slot.nonce, { to: slot.sender, value: 0n, data: "0x", gasLimit: 21_000n }, bump.fees)
    if (signed === undefined) return
    ctx.log.info(executorEvents.cancelSigned, { partition: ctx.partition, id: slot.owner, nonce: slot.nonce, txid: signed.hash, max_fee: String(bump.fees.maxFee), tip: String(bump.fees.tip) })
    const replaced: Slot = { ...slot, versions: [...slot.versions, { ...signed, cancel: true }], sentAt: undefined, refused: undefined, recorded: false, triedAt: ctx.now(), inRun: undefined }
    yield* recordAndSend(ctx, replaced, slot.reported as StatusRecord["status"], `cancel requested: a zero-value self-transfer at nonce ${slot.nonce} (${signed.hash}) replaces it if it is mined first`)
  })

/**
 * The request of `slot` signed again at a fresh nonce: another transaction took the
 * slot's nonce, so none of its versions can ever be mined.
 */
export const resignElsewhere = (ctx: EthereumContext, slot: Slot, pendingCount: number): Effect.Effect<void, Fenced> =>
  Effect.gen(function* () {
    if (!stillHeld(ctx, slot)) return
    ctx.book.drop(slot.sender, slot.nonce)
    if (slot.filler) return
    if (cancelSigned(slot)) {
      // The client cancelled it and none of its versions can be mined now: that is the cancel.
      const cancelled = ownerRecord(ctx, slot, "cancelled", `cancelled: another transaction took nonce ${slot.nonce} before the request or its replacement was mined; nothing of the request was mined`)
      if (cancelled !== undefined) yield* recordDurably(ctx, [cancelled])
      return
    }
    if (slot.clientSigned) {
      const failed = ownerRecord(ctx, slot, "failed", "another transaction was mined with this client-signed transaction's nonce; it can never be mined")
      if (failed !== undefined) yield* recordDurably(ctx, [failed])
      return
    }
    const fields = replaceableFields(currentVersion(slot).raw)
    const market = yield* Effect.option(ctx.market(slot.node))
    const sender = ctx.book.get(slot.sender)
    if (fields === undefined || market._tag === "None" || sender.next === undefined) return
    sender.next = Math.max(sender.next, pendingCount)
    const nonce = ctx.book.take(sender)
    const version = signVersion(ctx, slot.sender, nonce, fields, freshFees(market.value, ctx.settings.fees))
    if (version === undefined) return
    ctx.log.warn(executorEvents.resigned, { partition: ctx.partition, id: slot.owner, old_nonce: slot.nonce, nonce })
    const moved: Slot = { ...slot, nonce, versions: [version], sentAt: undefined, mined: undefined, refused: undefined, recorded: false, triedAt: ctx.now(), inRun: undefined }
    yield* recordAndSend(ctx, moved, "signed", `signed again at nonce ${nonce}: nonce ${slot.nonce} was taken by another transaction`)
  })

/**
 * How many of a sender's transactions the node counts with its pool (`pending`: the mined
 * ones and the contiguous nonces it holds): the lowest nonce free to sign at. Undefined
 * when the node did not answer. (Whether a nonce is used for good is read from finished
 * blocks only: nonce-fate.ts.)
 */
export const pendingCountOf = (ctx: EthereumContext, sender: string, node: string): Effect.Effect<number | undefined> =>
  Effect.map(Effect.option(ctx.nodes.callNode(node, "eth_getTransactionCount", [sender, "pending"])), (r) => (r._tag === "Some" ? Number(r.value) : undefined))

/**
 * True while the sender book still holds `slot`'s nonce for `slot`'s request. The run and
 * the tracker each broadcast from a slot they read earlier; once one of them settled it
 * (refused for good, its nonce reused or filled), the other's copy is stale.
 */
const stillHeld = (ctx: EthereumContext, slot: Slot): boolean => ctx.book.get(slot.sender).slots.get(slot.nonce)?.owner === slot.owner

/** Acts on what the node said to a broadcast of `slot`. */
export const afterBroadcast = (ctx: EthereumContext, slot: Slot, outcome: BroadcastOutcome): Effect.Effect<void, Fenced> =>
  Effect.gen(function* () {
    slot.triedAt = ctx.now()
    if (outcome._tag !== "refused") return
    // A refusal of bytes whose slot was settled meanwhile says nothing about the request: acting
    // on it signed a request already failed for good again ("nonce too low" once a filler
    // took its nonce), and its status went from failed back to signed (seen once in CI).
    if (!stillHeld(ctx, slot)) return
    if (!forGood.has(outcome.kind) && slot.refused !== outcome.detail) {
      ctx.log.info(executorEvents.refusedForNow, { partition: ctx.partition, id: slot.owner, sender: slot.sender, nonce: slot.nonce, kind: outcome.kind, reason: outcome.detail })
    }
    const hashes = slot.versions.map((v) => v.hash)
    switch (outcome.kind) {
      case "nonce-too-low": {
        // Usually these very bytes (or an earlier version) were mined already: the tracker's slow path finds where.
        if (yield* knownToNode(ctx.nodes, slot.node, hashes)) {
          slot.sentAt ??= ctx.now()
          slot.refused = undefined
          return
        }
        // Believed only when a finished block agrees: anvil under its queued-nonce wedge
        // (foundry#10122) answers "nonce too low" for nonces no mined transaction holds, and
        // re-signing on each such answer walked one request 680 nonces ahead of its sender's
        // chain nonce in a 10,000-transfer burst; and while it mines a block holding these very
        // bytes it can answer "nonce too low" before it knows them as mined (nonce-fate.ts).
        // Until then the slot waits for the tracker, which sends it again (and fills any gap below it).
        const fate = yield* nonceFate(ctx, slot)
        if (fate._tag === "ours") {
          slot.mined = fate.mined
          slot.sentAt ??= ctx.now()
          slot.refused = undefined
          return
        }
        if (fate._tag === "open") {
          slot.refused = outcome.detail
          return
        }
        const pending = yield* pendingCountOf(ctx, slot.sender, slot.node)
        if (pending !== undefined) yield* resignElsewhere(ctx, slot, pending)
        return
      }
      case "replacement-underpriced":
      case "nonce-too-high":
      case "already-known":
        // Another version of ours, or a foreign transaction, holds the nonce in the pool; the tracker decides once it is mined.
        slot.refused = outcome.detail
        return
      case "underpriced":
        // Priced under the next block's base fee (or the node's floor): sign again with higher fees,
        // at most once a second per slot (a bump that is still too low waits for the tracker's next round).
        slot.refused = outcome.detail
        if (ctx.now() - (currentVersion(slot).at ?? 0) >= 1_000) yield* bumpSlot(ctx, slot)
        return
      default:
        if (!forGood.has(outcome.kind)) return
        yield* refusedForGood(ctx, slot, outcome.kind, outcome.detail)
    }
  })

/** The node will never take this slot's bytes: fail the request and keep the nonce from jamming the sender. */
const refusedForGood = (ctx: EthereumContext, slot: Slot, kind: RefusalKind, detail: string): Effect.Effect<void, Fenced> =>
  Effect.gen(function* () {
    const reason = `eth_sendRawTransaction refused (${kind}): ${detail}`
    // The run and the tracker may both have broadcast the slot and both hear the refusal.
    // Only the first handles it: handled twice, the first let the sender's next request
    // reuse the nonce and the second then filled it too, two transactions at one nonce
    // (seen once in five runs of a burst with mining held; the request stayed signed).
    if (!stillHeld(ctx, slot)) return
    if (slot.filler) {
      // A filler without gas money: the tracker tries it again later (the sender may be funded meanwhile).
      if (slot.refused !== reason) ctx.log.warn(executorEvents.fillerRefused, { partition: ctx.partition, sender: slot.sender, nonce: slot.nonce, reason })
      slot.refused = reason
      return
    }
    ctx.log.warn(executorEvents.refused, { partition: ctx.partition, id: slot.owner, nonce: slot.nonce, kind, reason: detail })
    const failed = ownerRecord(ctx, slot, "failed", reason)
    ctx.book.drop(slot.sender, slot.nonce)
    // Decided before the commit's await, so nothing that runs meanwhile (the tracker's gap
    // filling) sees the nonce free and unclaimed.
    const sender = ctx.book.get(slot.sender)
    const next = slot.clientSigned ? undefined : afterRefusal(slot.nonce, sender.next)
    if (next === "reuse") sender.next = slot.nonce
    if (failed !== undefined) {
      yield* commitDurably(ctx.recorder, [failed])
      ctx.records.remember([failed])
    }
    if (next === "fill") yield* fillNonce(ctx, slot.sender, slot.nonce, slot.node)
  })
