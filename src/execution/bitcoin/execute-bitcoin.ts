/**
 * Carries out one Bitcoin request exactly once. btcwallet cannot take an idempotency
 * key, so exactly-once rests on two rules: a request that may already have been sent is
 * first looked for in the wallet (reconciliation) and only sent when it is not there; and
 * the txid is recorded in `sendto.results` before the offset is committed.
 */
import { Effect } from "effect"
import { type NodeRejected, NodeUnreachable } from "../../adapters/errors.ts"
import type { QueuedRequest, SendFrom, SendMany, SendToAddress } from "../../domain/request.ts"
import { isFinal, type StatusRecord } from "../../domain/status.ts"
import type { ExecutionContext, Outcome } from "../context.ts"
import { findSent, type Outputs, type WalletEntry } from "./reconcile.ts"
import {
  accountOf,
  isStuckChangeAddress,
  isTransientRejection,
  listRecentCall,
  nextChangeAddressCall,
  unlockCall,
  walletCallFor,
  walletLockedCode,
  type WalletKind,
} from "./wallet-dialect.ts"

/** A Bitcoin request body. */
export type BitcoinBody = SendToAddress | SendFrom | SendMany

/**
 * How many recent wallet transactions reconciliation reads. The send it looks for was
 * made moments before the previous owner died, so it is among the newest.
 */
const reconcileWindow = 300

/** Wallet settings the executor needs. */
export interface BitcoinSettings {
  readonly walletKind: WalletKind
  readonly passphrase: string | undefined
}

const outputsOf = (body: BitcoinBody): Outputs =>
  body.method === "sendmany" ? body.params.amounts : { [body.params.address]: body.params.amount }

const base = (req: QueuedRequest, ctx: ExecutionContext) => ({
  id: req.id,
  chain: "bitcoin" as const,
  sender: req.sender,
  partition: ctx.partition,
  at: ctx.now(),
  body_hash: req.body_hash,
  ...(req.batch_id ? { batch_id: req.batch_id } : {}),
})

const recordOutcome = (ctx: ExecutionContext, record: StatusRecord): Effect.Effect<Outcome> => {
  if (record.txid !== undefined) ctx.view.noteClaim(record.txid, record.id)
  return ctx.pipelineRecords
    ? Effect.sync((): Outcome => {
        const durable = ctx.record([record])
        // The worker awaits it before committing; mark it handled so an early failure is not "unhandled".
        durable.catch(() => undefined)
        return { _tag: "recorded", record, durable }
      })
    : recordSync(ctx, record)
}

const recordSync = (ctx: ExecutionContext, record: StatusRecord): Effect.Effect<Outcome> =>
  Effect.tryPromise(() => ctx.record([record])).pipe(
    Effect.match({
      onSuccess: (): Outcome => ({ _tag: "recorded", record }),
      // Not recorded means not committed: the message is redelivered and reconciled.
      onFailure: (e): Outcome => ({ _tag: "retry", reason: `could not record outcome: ${String(e)}`, attempted: true }),
    }),
  )

/** Looks for the request among the recent sends of every wallet of the pool. */
const reconcile = (req: QueuedRequest, body: BitcoinBody, ctx: ExecutionContext, settings: BitcoinSettings) =>
  Effect.gen(function* () {
    for (const node of ctx.pool.nodesOf("bitcoin")) {
      const list = listRecentCall(settings.walletKind, reconcileWindow)
      const entries = (yield* ctx.pool.callNode(node, list.method, list.params)) as WalletEntry[]
      const claimed = new Set(entries.map((e) => e.txid).filter((txid) => ctx.view.claimedByOther(txid, req.id)))
      const txid = findSent(outputsOf(body), entries, claimed, req.accepted_at)
      if (txid !== undefined) return { txid, node }
    }
    return undefined
  })

/** Executes `req`, whose body is a Bitcoin request. */
export const executeBitcoin = (req: QueuedRequest, body: BitcoinBody, ctx: ExecutionContext, settings: BitcoinSettings): Effect.Effect<Outcome> =>
  Effect.gen(function* () {
    const existing = ctx.view.get(req.id)
    if (existing && (isFinal(existing.status) || existing.status === "submitted")) return { _tag: "skipped", status: existing.status } as const

    if (ctx.possiblyAttempted || existing?.status === "intent") {
      // A wallet that refuses the listing is a passing problem, not a verdict on the request.
      const found = yield* reconcile(req, body, ctx, settings).pipe(
        Effect.catchTag("NodeRejected", (e) => Effect.fail(new NodeUnreachable({ node: e.node, method: e.method, detail: e.detail }))),
      )
      if (found) {
        ctx.log.info("partition-consumer.reconciled", { partition: ctx.partition, id: req.id, txid: found.txid })
        return yield* recordOutcome(ctx, { ...base(req, ctx), status: "submitted", txid: found.txid, node: found.node })
      }
    }

    const call = walletCallFor(body, settings.walletKind)
    // Repairs a wallet that refused for a reason it can be talked out of, then sends again.
    const repairThenRetry = (e: NodeRejected) => {
      const repair = e.code === walletLockedCode && settings.passphrase !== undefined
        ? unlockCall(settings.passphrase, settings.walletKind)
        : settings.walletKind === "btcwallet" && isStuckChangeAddress(e.detail)
          ? nextChangeAddressCall(accountOf(body, settings.walletKind))
          : undefined
      if (repair === undefined) return Effect.fail(e)
      ctx.log.warn("partition-consumer.wallet-repair", { partition: ctx.partition, node: e.node, repair: repair.method, reason: e.detail })
      return Effect.flatMap(ctx.pool.callNode(e.node, repair.method, repair.params), () => ctx.pool.call("bitcoin", call.method, call.params))
    }
    const sent = yield* ctx.pool.call("bitcoin", call.method, call.params).pipe(
      Effect.catchTag("NodeRejected", repairThenRetry),
      Effect.catchTag("NodeRejected", repairThenRetry),
    )
    return yield* recordOutcome(ctx, { ...base(req, ctx), status: "submitted", txid: String(sent.result), node: sent.node })
  }).pipe(
    Effect.catchTags({
      NodeRejected: (e) =>
        isTransientRejection(e.detail) || isStuckChangeAddress(e.detail)
          ? Effect.succeed<Outcome>({ _tag: "retry", reason: e.message, attempted: false })
          : recordOutcome(ctx, { ...base(req, ctx), status: "failed", node: e.node, reason: `${e.method} rejected (code ${e.code}): ${e.detail}` }),
      NodeUnreachable: (e) => Effect.succeed<Outcome>({ _tag: "retry", reason: e.message, attempted: true }),
      NodeOverloaded: (e) => Effect.succeed<Outcome>({ _tag: "retry", reason: e.message, attempted: false }),
      CircuitOpen: (e) => Effect.succeed<Outcome>({ _tag: "retry", reason: e.message, attempted: false }),
      NoNodeForChain: (e) => Effect.succeed<Outcome>({ _tag: "poison", reason: e.message }),
    }),
  )
