/**
 * Carries out one Ethereum request exactly once: sign, record the signed bytes in
 * `sendto.results`, then broadcast. A retry, a redelivery or a new owner of the partition
 * finds the recorded bytes and broadcasts those same bytes again, so the network sees one
 * transaction whatever happens; and one nonce can only ever be mined once.
 */
import { Effect } from "effect"
import { NodeRejected } from "../../adapters/errors.ts"
import { encodeFunctionCall, parseSignedTransaction } from "../../adapters/ethereum-codec.ts"
import type { EthereumSigner } from "../../adapters/ethereum.ts"
import type { EthContractCall, EthRawTransaction, EthTransfer, QueuedRequest } from "../../domain/request.ts"
import { isFinal, type StatusRecord } from "../../domain/status.ts"
import type { ExecutionContext, Outcome } from "../context.ts"
import type { NonceLedger } from "./nonce-ledger.ts"

/** An Ethereum request body. */
export type EthereumBody = EthTransfer | EthContractCall | EthRawTransaction

/** What the executor shares across requests of one consumer. */
export interface EthereumSettings {
  readonly chainId: number
  readonly signers: ReadonlyMap<string, EthereumSigner>
  readonly ledger: NonceLedger
  /** The current fee per gas, refreshed by the caller. */
  readonly gasPrice: () => Effect.Effect<bigint, unknown>
}

const base = (req: QueuedRequest, ctx: ExecutionContext) => ({
  id: req.id,
  chain: "ethereum" as const,
  sender: req.sender,
  partition: ctx.partition,
  at: ctx.now(),
  body_hash: req.body_hash,
  ...(req.batch_id ? { batch_id: req.batch_id } : {}),
})

/** Node answers to a re-broadcast that mean "this transaction is already in". */
const alreadyKnown = (e: NodeRejected) => /already known|already imported|known transaction|AlreadyKnown/i.test(e.detail)
const nonceTooLow = (e: NodeRejected) => /nonce too low|NonceTooLow|nonce has already been used/i.test(e.detail)

/** Whether the node knows the transaction (pending or mined). */
const knownByHash = (ctx: ExecutionContext, sender: string, hash: string) =>
  Effect.map(ctx.pool.callFor("ethereum", sender, "eth_getTransactionByHash", [hash]), (r) => r.result !== null)

/** Broadcasts recorded bytes; "already known" counts as success. */
const broadcast = (ctx: ExecutionContext, sender: string, raw: string) =>
  ctx.pool.callFor("ethereum", sender, "eth_sendRawTransaction", [raw]).pipe(
    Effect.map((r) => r.node),
    Effect.catchTag("NodeRejected", (e) => (alreadyKnown(e) ? Effect.succeed(e.node) : Effect.fail(e))),
  )

const record = (ctx: ExecutionContext, rec: StatusRecord) => Effect.tryPromise(() => ctx.record([rec]))

const hex = (n: bigint) => `0x${n.toString(16)}`

/** Signs a transfer or contract call with the next nonce of its sender. */
const signFresh = (req: QueuedRequest, body: EthTransfer | EthContractCall, ctx: ExecutionContext, settings: EthereumSettings) =>
  Effect.gen(function* () {
    const signer = settings.signers.get(body.params.from.toLowerCase())
    if (signer === undefined) return { _tag: "poison" as const, reason: `the gateway holds no key for ${body.params.from}; add it to the variable named by [chains.ethereum].keystore_env` }
    let data = "0x"
    if (body.method === "call") {
      const encoded = encodeFunctionCall(body.params.abi, body.params.args)
      if (!encoded.ok) return { _tag: "poison" as const, reason: `cannot encode the call: ${encoded.fragmentProblem ?? encoded.argument?.problem ?? "unknown problem"}` }
      data = encoded.data
    }
    const value = BigInt(body.params.value ?? "0")
    let gasLimit = body.params.gas_limit ? BigInt(body.params.gas_limit) : 21_000n
    if (body.method === "call" && !body.params.gas_limit) {
      const estimate = yield* ctx.pool.callFor("ethereum", signer.address, "eth_estimateGas", [{ from: signer.address, to: body.params.to, data, value: hex(value) }])
      gasLimit = (BigInt(String(estimate.result)) * 12n) / 10n
    }
    if (!settings.ledger.known(signer.address)) {
      const pending = yield* ctx.pool.callFor("ethereum", signer.address, "eth_getTransactionCount", [signer.address, "pending"])
      settings.ledger.init(signer.address, Number(pending.result), ctx.view.highestNonce(signer.address))
    }
    const gasPrice = yield* settings.gasPrice()
    const nonce = settings.ledger.take(signer.address)
    const signed = signer.sign({
      chainId: settings.chainId, nonce, to: body.params.to, value, data, gasLimit,
      maxFeePerGas: gasPrice * 2n, maxPriorityFeePerGas: gasPrice < 1_000_000_000n ? gasPrice : 1_000_000_000n,
    })
    return { _tag: "signed" as const, raw: signed.raw, hash: signed.hash, nonce }
  })

/** Executes `req`, whose body is an Ethereum request. */
export const executeEthereum = (req: QueuedRequest, body: EthereumBody, ctx: ExecutionContext, settings: EthereumSettings): Effect.Effect<Outcome> =>
  Effect.gen(function* () {
    const existing = ctx.view.get(req.id)
    if (existing && isFinal(existing.status)) return { _tag: "skipped", status: existing.status } as const
    if (existing?.raw_tx) {
      // Recorded earlier (by us or a previous owner): the same bytes, never new ones.
      const resent = yield* broadcast(ctx, req.sender, existing.raw_tx).pipe(
        Effect.map((node) => ({ ok: true as const, node })),
        Effect.catchTag("NodeRejected", (e) => (nonceTooLow(e) ? Effect.succeed({ ok: false as const, node: e.node }) : Effect.fail(e))),
      )
      // "Nonce used" usually means these very bytes were mined already (the previous owner
      // broadcast them before it died); then the request is done.
      if (resent.ok || (yield* knownByHash(ctx, req.sender, existing.txid ?? ""))) return { _tag: "recorded", record: { ...existing, node: resent.node } } as const
      if (body.method === "raw") {
        return { _tag: "poison", reason: "the client-signed transaction's nonce was used by another transaction; it can never be mined" } as const
      }
      // Another transaction took the nonce, so these bytes can never be mined: sign anew.
      settings.ledger.reset(req.sender)
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      let signed: { raw: string; hash: string; nonce: number }
      if (body.method === "raw") {
        const parsed = parseSignedTransaction(body.params.tx)
        if (!parsed.ok) return { _tag: "poison", reason: "the raw transaction no longer parses" } as const
        signed = { raw: body.params.tx, hash: parsed.value.hash, nonce: parsed.value.nonce }
      } else {
        const fresh = yield* signFresh(req, body, ctx, settings)
        if (fresh._tag === "poison") return fresh
        signed = fresh
      }
      const rec: StatusRecord = { ...base(req, ctx), status: "signed", txid: signed.hash, raw_tx: signed.raw, nonce: signed.nonce }
      yield* record(ctx, rec)
      const sent = yield* broadcast(ctx, req.sender, signed.raw).pipe(
        Effect.map((node) => ({ ok: true as const, node })),
        Effect.catchTag("NodeRejected", (e) => (nonceTooLow(e) && body.method !== "raw" ? Effect.succeed({ ok: false as const, e }) : Effect.fail(e))),
      )
      if (sent.ok) return { _tag: "recorded", record: { ...rec, node: sent.node } } as const
      // "Nonce used" may mean these very bytes were already mined: the confirmation tracker
      // can re-broadcast a recorded transaction before this broadcast lands. Then it is done.
      if (yield* knownByHash(ctx, req.sender, signed.hash)) return { _tag: "recorded", record: { ...rec, node: sent.e.node } } as const
      // Our nonce was taken by something else: these bytes can never be mined, so sign anew.
      settings.ledger.reset(req.sender)
    }
    return yield* Effect.fail(new NodeRejected({ node: "ethereum", method: "eth_sendRawTransaction", code: -32000, detail: "nonce too low three times in a row", kind: "nonce-too-low" }))
  }).pipe(
    Effect.catch((e): Effect.Effect<Outcome> => {
      if (typeof e !== "object" || e === null || !("_tag" in e)) return Effect.succeed({ _tag: "retry", reason: String(e), attempted: true })
      switch (e._tag) {
        case "NodeRejected": {
          const r = e as NodeRejected
          const rec: StatusRecord = { ...base(req, ctx), status: "failed", node: r.node, reason: `${r.method} rejected (code ${r.code}): ${r.detail}` }
          return Effect.tryPromise(() => ctx.record([rec])).pipe(
            Effect.match({ onSuccess: (): Outcome => ({ _tag: "recorded", record: rec }), onFailure: (): Outcome => ({ _tag: "retry", reason: "could not record failure", attempted: true }) }),
          )
        }
        case "NoNodeForChain":
          return Effect.succeed({ _tag: "poison", reason: String((e as { message?: string }).message) })
        default:
          // Signed bytes are recorded before any broadcast, so a retry can only resend them.
          return Effect.succeed({ _tag: "retry", reason: String((e as { message?: string }).message ?? e._tag), attempted: true })
      }
    }),
  )
