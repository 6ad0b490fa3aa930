/**
 * One run of an Ethereum sender: up to `max_in_flight_per_sender` consecutive requests,
 * signed at consecutive nonces, recorded together with the offsets they finish in one
 * transaction, then broadcast in nonce order. A request whose id already has a record
 * (a copy from a repeated Idempotency-Key, a redelivery) is skipped: its bytes, if any,
 * are already followed by the tracker.
 */
import { Effect } from "effect"
import { parseSignedTransaction } from "../../adapters/ethereum-codec.ts"
import type { EthContractCall, EthRawTransaction, EthTransfer } from "../../domain/request.ts"
import { nextRecord, statusRecordFor } from "../../domain/status-record.ts"
import { isFinal, type StatusRecord } from "../../domain/status.ts"
import type { Fenced } from "../durable.ts"
import { commitDurably } from "../durable.ts"
import type { DeadLetterFor, LaneItem, RunResult } from "../lane.ts"
import type { ExtraRecord, NodeCallError } from "../ports.ts"
import { broadcastSlots, releaseFromRun } from "./broadcast.ts"
import type { EthereumContext } from "./ethereum-context.ts"
import { freshFees, type FeeMarket } from "./fee-policy.ts"
import { transactionFields, type TransactionFields } from "./request-transaction.ts"
import { afterBroadcast } from "./slot-actions.ts"
import { signedRecord } from "./slot-records.ts"
import { startingNonce, type Slot } from "./sender-book.ts"

type EthereumBody = EthTransfer | EthContractCall | EthRawTransaction

/** A request ready to take a nonce: its fields, or its client-signed bytes; `prior` is its record when the run looked (the intake's `accepted`, or none). */
type Ready =
  | { readonly _tag: "sign"; readonly item: LaneItem; readonly prior: StatusRecord | undefined; readonly fields: TransactionFields }
  | { readonly _tag: "raw"; readonly item: LaneItem; readonly prior: StatusRecord | undefined; readonly raw: string; readonly hash: string; readonly nonce: number }

/** True when a record shows the request already handled here or by an earlier owner. */
const alreadyHandled = (r: StatusRecord | undefined): boolean => r !== undefined && (isFinal(r.status) || r.raw_tx !== undefined || (r.versions?.length ?? 0) > 0)

/** What the run has gathered so far. */
interface Gathered {
  readonly ready: Ready[]
  readonly records: StatusRecord[]
  readonly extras: ExtraRecord[]
  readonly finishes: bigint[]
}

/** A node call that failed in passing leaves the rest of the run for later; a refusal is the request's answer. */
const passing = (e: NodeCallError): string | undefined => (e._tag === "NodeRejected" ? undefined : e.message)

/** Looks at each item: copy, poison, refusal, or ready to sign. Stops at the first passing failure. */
const gather = (ctx: EthereumContext, sender: string, items: readonly LaneItem[], deadLetter: DeadLetterFor) =>
  Effect.gen(function* () {
    const g: Gathered = { ready: [], records: [], extras: [], finishes: [] }
    const seen = new Set<string>()
    for (const [i, item] of items.entries()) {
      const { request } = item
      const prior = seen.has(request.id) ? undefined : ctx.records.get(request.id)
      if (prior === undefined ? seen.has(request.id) : alreadyHandled(prior)) {
        g.finishes.push(item.offset)
        continue
      }
      seen.add(request.id)
      const body = request.body as EthereumBody
      if (body.method === "raw") {
        const parsed = parseSignedTransaction(body.params.tx)
        if (!parsed.ok) {
          const dead = deadLetter(item, "the client-signed transaction no longer parses")
          g.records.push(dead.record)
          g.extras.push(dead.extra)
          g.finishes.push(item.offset)
          continue
        }
        g.ready.push({ _tag: "raw", item, prior, raw: body.params.tx, hash: parsed.value.hash, nonce: parsed.value.nonce })
        continue
      }
      if (!ctx.signers.has(body.params.from.toLowerCase())) {
        const dead = deadLetter(item, `the gateway holds no key for ${body.params.from}; add it to the variable named by [chains.ethereum].keystore_env`)
        g.records.push(dead.record)
        g.extras.push(dead.extra)
        g.finishes.push(item.offset)
        continue
      }
      const fields = yield* Effect.result(transactionFields(body, ctx.nodes, sender))
      if (fields._tag === "Failure") {
        const why = passing(fields.failure)
        if (why !== undefined) return { g, later: { remaining: items.slice(i), reason: why } }
        const e = fields.failure as Extract<NodeCallError, { _tag: "NodeRejected" }>
        g.records.push(failedBeforeSigning(ctx, item, `${e.method} refused (${e.kind}): ${e.detail}`))
        g.finishes.push(item.offset)
        continue
      }
      if ("_tag" in fields.success) {
        const dead = deadLetter(item, fields.success.reason)
        g.records.push(dead.record)
        g.extras.push(dead.extra)
        g.finishes.push(item.offset)
        continue
      }
      g.ready.push({ _tag: "sign", item, prior, fields: fields.success })
    }
    return { g, later: undefined }
  })

/** Reads the sender's starting nonce from its node the first time it is used. */
const initSender = (ctx: EthereumContext, sender: string) =>
  Effect.gen(function* () {
    const state = ctx.book.get(sender)
    if (state.next !== undefined) return state
    const answer = yield* ctx.nodes.callFor("ethereum", sender, "eth_getTransactionCount", [sender, "pending"])
    state.next = startingNonce(Number(answer.result), [...state.slots.keys()], ctx.records.highestNonce(sender))
    state.node = answer.node
    return state
  })

/** The slot of a ready request, signed (or as the client signed it). */
const slotFor = (ctx: EthereumContext, sender: string, node: string, ready: Ready, market: FeeMarket): Slot => {
  const base = { sender, owner: ready.item.request.id, filler: false, node, sentAt: undefined, mined: undefined, refused: undefined, recorded: false, reported: "signed", triedAt: undefined }
  if (ready._tag === "raw") {
    return { ...base, nonce: ready.nonce, clientSigned: true, call: true, versions: [{ hash: ready.hash, raw: ready.raw, fees: { maxFee: 0n, tip: 0n }, at: ctx.now() }] }
  }
  const state = ctx.book.get(sender)
  const nonce = ctx.book.take(state)
  const fees = freshFees(market, ctx.settings.fees)
  const signer = ctx.signers.get(sender)
  if (signer === undefined) throw new Error(`no signer for ${sender}`)
  const signed = signer.sign({ chainId: ctx.settings.chainId, nonce, ...ready.fields, maxFeePerGas: fees.maxFee, maxPriorityFeePerGas: fees.tip })
  return { ...base, nonce, clientSigned: false, call: ready.fields.data !== "0x", versions: [{ hash: signed.hash, raw: signed.raw, fees, at: ctx.now() }] }
}

/** Runs `items` of one sender (see the module comment). */
export const runEthereumSender = (ctx: EthereumContext, sender: string, items: readonly LaneItem[], deadLetter: DeadLetterFor): Effect.Effect<RunResult, Fenced> =>
  Effect.gen(function* () {
    const { g, later } = yield* gather(ctx, sender, items, deadLetter)
    const slots: Slot[] = []
    let deferred = later
    if (g.ready.length > 0) {
      const prepared = yield* Effect.result(Effect.gen(function* () {
        const state = yield* initSender(ctx, sender)
        const node = state.node ?? ""
        const market = yield* ctx.market(node)
        return { state, node, market }
      }))
      if (prepared._tag === "Failure") {
        deferred = { remaining: items.slice(items.indexOf(g.ready[0]?.item as LaneItem)), reason: prepared.failure.message }
        g.ready.length = 0
      } else {
        for (const ready of g.ready) {
          const slot = slotFor(ctx, sender, prepared.success.node, ready, prepared.success.market)
          ctx.book.put(slot)
          slots.push(slot)
          g.records.push(signedRecord(ready.item.request, ready.prior, slot, ctx.partition, ctx.now()))
          g.finishes.push(ready.item.offset)
        }
      }
    }
    if (g.records.length > 0 || g.finishes.length > 0) {
      yield* commitDurably(ctx.recorder, g.records, g.finishes, g.extras)
      ctx.records.remember(g.records)
      // The run sends these itself, in order, and acts on each answer: until then the tracker
      // leaves them alone. A tracker round that sent them beside the run sent each twice, and
      // the later copy, once the first was mined, was answered "nonce too low" and looked up
      // again (hundreds of times in a 10,000-transfer drain).
      for (const slot of slots) {
        slot.recorded = true
        slot.inRun = true
      }
      if (slots.length > 0) {
        // In nonce order; then each answer is acted on in that order.
        const ordered = slots.sort((a, b) => a.nonce - b.nonce)
        yield* Effect.ensuring(
          Effect.gen(function* () {
            const outcomes = yield* broadcastSlots(ctx.nodes, ctx.recorder, ordered, ctx.now)
            for (const [i, slot] of ordered.entries()) {
              const outcome = outcomes[i]
              if (outcome !== undefined) yield* afterBroadcast(ctx, slot, outcome)
              releaseFromRun([slot])
            }
          }),
          Effect.sync(() => releaseFromRun(ordered)),
        )
      }
    }
    return deferred === undefined ? ({ _tag: "done" } as const) : ({ _tag: "later", ...deferred } as const)
  })

/** A request's record as failed by the lane before any transaction existed. */
export const failedBeforeSigning = (ctx: EthereumContext, item: LaneItem, reason: string): StatusRecord => {
  const prior = ctx.records.get(item.request.id)
  return prior === undefined
    ? { ...statusRecordFor(item.request, ctx.partition, "failed", ctx.now(), { reason }), rev: 1 }
    : nextRecord(prior, "failed", ctx.now(), { reason })
}
