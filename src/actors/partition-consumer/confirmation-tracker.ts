/**
 * confirmation-tracker: follows the transactions this host's partitions sent until they
 * are confirmed, so every request reaches a final status without holding up its
 * partition. Bitcoin: `gettransaction` on the wallet that sent it. Ethereum: the receipt,
 * counted against the head; a transaction the node no longer knows (dropped from the
 * pool, or a node restart) is re-broadcast from its recorded bytes, which repairs the
 * sender's nonce gap. Each round reads every node's head once, and checks only the
 * records a new block could have changed (see confirmation-schedule.ts).
 */
import { Effect, Schedule } from "effect"
import { makeCluster, scopedProducer } from "../../adapters/kafka.ts"
import { kafkaOptionsFrom } from "../../app/connections.ts"
import type { HostContext } from "../../app/host-context.ts"
import type { StatusRecord } from "../../domain/status.ts"
import { makeResultsWriter, resultsProducerRetry } from "../../pipeline/results-writer.ts"
import type { ChildSpec } from "../../runtime/child-spec.ts"
import type { NodePool } from "../node-throttler/pool.ts"
import type { StatusView } from "../status-view/index.ts"
import { headsSignature, isDue, type LastCheck } from "./confirmation-schedule.ts"
import type { Assignment } from "./index.ts"

/** How often pending transactions are checked, and how many per round. */
const pollMs = 1_000
const perRound = 200
/** How old a signed record must be before the tracker re-broadcasts it. */
const rebroadcastAfterMs = 15_000
/** A record checked at unchanged heads is checked again after this long anyway. */
const recheckEveryMs = 15_000

/** The head-block call of each chain's nodes. */
const headMethod: Readonly<Record<string, string>> = { bitcoin: "getblockcount", ethereum: "eth_blockNumber" }

/** Every node's head for one chain this round: per node, and as one signature. */
interface ChainHeads {
  readonly perNode: ReadonlyMap<string, number>
  readonly signature: string | undefined
}

interface Receipt {
  readonly status?: string
  readonly blockNumber?: string
}

/** Builds the tracker actor. */
export const confirmationTracker = (ctx: HostContext, pool: NodePool, view: StatusView, assignment: Assignment): ChildSpec => {
  const log = ctx.log.forActor("confirmation-tracker")
  const btcConf = ctx.config.chains.bitcoin.confirmations
  const ethConf = Math.max(1, ctx.config.chains.ethereum.confirmations)

  const checkBitcoin = (r: StatusRecord) =>
    Effect.map(pool.callNode(r.node ?? "", "gettransaction", [r.txid]), (tx): StatusRecord | undefined => {
      const confirmations = Number((tx as { confirmations?: number }).confirmations ?? 0)
      return confirmations >= btcConf ? { ...r, status: "confirmed", confirmations, at: Date.now() } : undefined
    })

  /** Reads the head of every node of `chain`; a node that does not answer leaves its head unknown. */
  const readHeads = (chain: string) =>
    Effect.map(
      Effect.forEach(pool.nodesOf(chain), (node) =>
        Effect.map(Effect.orElseSucceed(pool.callNode(node, headMethod[chain] ?? "", []), () => undefined), (h) => [node, h === undefined ? undefined : Number(h)] as const)),
      (pairs): ChainHeads => ({
        perNode: new Map(pairs.flatMap(([node, h]) => (h === undefined || !Number.isFinite(h) ? [] : [[node, h] as const]))),
        signature: headsSignature(pairs),
      }),
    )

  const checkEthereum = (r: StatusRecord, heads: ChainHeads | undefined) =>
    Effect.gen(function* () {
      const answer = yield* pool.callFor("ethereum", r.sender, "eth_getTransactionReceipt", [r.txid])
      const receipt = answer.result as Receipt | null
      if (receipt === null) {
        const known = (yield* pool.callFor("ethereum", r.sender, "eth_getTransactionByHash", [r.txid])).result
        // A young record may simply not be broadcast yet by its worker; leave it alone.
        if (known === null && r.raw_tx && Date.now() - r.at > rebroadcastAfterMs) {
          log.warn("confirmation-tracker.rebroadcast", { id: r.id, txid: r.txid, nonce: r.nonce })
          yield* Effect.ignore(pool.callFor("ethereum", r.sender, "eth_sendRawTransaction", [r.raw_tx]))
        }
        return undefined
      }
      const block = Number(receipt.blockNumber)
      const head = heads?.perNode.get(answer.node) ?? Number((yield* pool.callFor("ethereum", r.sender, "eth_blockNumber")).result)
      const confirmations = head - block + 1
      if (receipt.status === "0x0") return { ...r, status: "failed" as const, block, reason: "the transaction was mined but reverted", at: Date.now() }
      return confirmations >= ethConf ? { ...r, status: "confirmed" as const, block, confirmations, at: Date.now() } : undefined
    })

  const init = Effect.gen(function* () {
    const cluster = makeCluster(kafkaOptionsFrom(ctx.config, ctx.host.name))
    const writer = makeResultsWriter(cluster, yield* scopedProducer(cluster, resultsProducerRetry), ctx.config.kafka.topics.results)
    const checked = new Map<string, LastCheck>()
    const round = Effect.gen(function* () {
      const waiting = view.index.awaitingConfirmation(assignment.partitions())
      const ids = new Set(waiting.map((r) => r.id))
      for (const id of checked.keys()) if (!ids.has(id)) checked.delete(id)
      if (waiting.length === 0) return
      const heads = new Map<string, ChainHeads>()
      for (const chain of new Set(waiting.map((r) => r.chain))) heads.set(chain, yield* readHeads(chain))
      const now = Date.now()
      const due = waiting.filter((r) => isDue(checked.get(r.id), heads.get(r.chain)?.signature, now, recheckEveryMs)).slice(0, perRound)
      const results = yield* Effect.forEach(
        due,
        (r) => Effect.result(r.chain === "bitcoin" ? checkBitcoin(r) : checkEthereum(r, heads.get(r.chain))),
        { concurrency: 4 },
      )
      const done: StatusRecord[] = []
      results.forEach((result, i) => {
        const r = due[i]
        if (r === undefined || result._tag === "Failure") return
        // A failed check is tried again next round; a completed one waits for a new block.
        checked.set(r.id, { heads: heads.get(r.chain)?.signature ?? "", at: now })
        if (result.success !== undefined) done.push(result.success)
      })
      if (done.length === 0) return
      yield* Effect.tryPromise(() => writer.write(done))
      view.applyLocal(done)
    })
    return Effect.asVoid(Effect.repeat(Effect.catch(round, (e) => Effect.sync(() => log.warn("confirmation-tracker.round-failed", { reason: String(e) }))), Schedule.spaced(pollMs)))
  })
  return { id: "confirmation-tracker", init, restart: "permanent", shutdownMs: 3_000 }
}
