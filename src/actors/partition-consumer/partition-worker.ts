/**
 * The work of one assigned partition. Each fetched batch is split by key: a key's
 * messages run one after another (order per sender, nonce order on Ethereum), different
 * keys run in parallel up to `max_parallel_keys`. An offset is committed only through the
 * unbroken run of finished messages, and a message is finished only once its outcome is
 * recorded in `sendto.results` (or it went to the DLQ). When the chain has no healthy
 * node, the partition is paused and the rest of the batch is left in Kafka.
 */
import { Effect } from "effect"
import type { EachBatchPayload, KafkaMessage } from "../../adapters/kafka.ts"
import type { QueuedRequest } from "../../domain/request.ts"
import type { StatusRecord } from "../../domain/status.ts"
import type { ExecutionContext, Outcome } from "../../execution/context.ts"
import type { Logger } from "../../observability/log.ts"
import type { NodePool } from "../node-throttler/pool.ts"
import type { StatusView } from "../status-view/index.ts"
import { executeRequest, parseQueued, type ChainSettings } from "./execute-request.ts"
import { finishedPrefixEnd, groupByKey } from "./offset-prefix.ts"

/** What every partition of this host shares. */
export interface WorkerDeps {
  readonly pool: NodePool
  readonly view: StatusView
  readonly chains: ChainSettings
  readonly record: (records: readonly StatusRecord[]) => Promise<void>
  readonly toDlq: (message: KeyedMessage, partition: number, reason: string) => Promise<void>
  readonly commit: (partition: number, nextOffset: string) => Promise<void>
  readonly maxParallelKeys: number
  readonly log: Logger
  readonly onOutcome: (partition: number, outcome: Outcome["_tag"]) => void
}

/** One partition's worker, alive from assignment to revocation. */
export interface PartitionWorker {
  readonly partition: number
  readonly handle: (payload: EachBatchPayload) => Promise<void>
  /** Stops starting new messages; in-flight ones finish. Safe to call twice. */
  readonly stop: () => void
}

/** Outcome records of one key that may be in flight to Kafka at once. */
const pipelineDepth = 8

const retryDelayMs = (attempt: number) => Math.min(5_000, 100 * 2 ** Math.min(attempt, 6)) * (0.8 + Math.random() * 0.4)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A fetched message with its key decoded. */
export type KeyedMessage = Omit<KafkaMessage, "key"> & { readonly key: string }

/** Thrown inside a batch to stop it early: the chain has no healthy node, or the worker is stopping. */
class StopBatch extends Error {}

/**
 * Makes the worker for `partition`. `assignedEnd` is the partition's end offset when it
 * was assigned: only messages below it can have been attempted by a previous owner.
 */
export const makePartitionWorker = (partition: number, assignedEnd: bigint, deps: WorkerDeps): PartitionWorker => {
  const log = deps.log
  let stopped = false
  let caughtUp = false
  // A previous owner runs one message per key at a time and records each outcome before
  // starting the next, so of each key only the first message not yet recorded can have
  // been sent without a record. Keys whose first such message has been seen here:
  // With pipelined records up to `pipelineDepth` messages of a key can be sent and not yet
  // recorded, so that many per key are reconciled; `reconcileBudget` counts them down.
  const reconcileBudget = new Map<string, number>()
  // Set when a heartbeat is refused (the group is rebalancing): the batch stops at the next
  // message boundary so this member can rejoin quickly instead of finishing the whole batch.
  let rebalancing = false

  const processOne = async (message: KeyedMessage, payload: EachBatchPayload): Promise<Promise<void> | undefined> => {
    const value = message.value?.toString() ?? ""
    const req = parseQueued(value)
    if (req === undefined) {
      await deps.toDlq(message, partition, "not a gateway request (unreadable JSON or missing id, sender or chain)")
      deps.onOutcome(partition, "poison")
      return
    }
    if (rebalancing) throw new StopBatch("the group is rebalancing")
    const recorded = deps.view.get(req.id)
    const unrecorded = recorded === undefined || recorded.status === "accepted" || recorded.status === "intent"
    const budget = reconcileBudget.get(message.key) ?? pipelineDepth
    let attempted = unrecorded && budget > 0 && BigInt(message.offset) < assignedEnd
    if (unrecorded) reconcileBudget.set(message.key, Math.max(0, budget - 1))
    for (let attempt = 0; ; attempt++) {
      if (stopped || rebalancing || !payload.isRunning() || payload.isStale()) throw new StopBatch("stopping")
      const ctx: ExecutionContext = {
        pool: deps.pool, view: deps.view, record: deps.record, partition, possiblyAttempted: attempted, log, now: Date.now,
        pipelineRecords: true,
      }
      const outcome = await Effect.runPromise(executeRequest(req, ctx, deps.chains))
      deps.onOutcome(partition, outcome._tag)
      switch (outcome._tag) {
        case "recorded":
          if (outcome.record.status === "failed") log.warn("partition-consumer.failed", { partition, id: req.id, reason: outcome.record.reason })
          return outcome.durable
        case "skipped":
          return
        case "poison":
          await sendToDlq(req, message, outcome.reason)
          return
        case "retry":
          attempted ||= outcome.attempted
          if (attempt % 10 === 0) log.warn("partition-consumer.retrying", { partition, id: req.id, attempt, reason: outcome.reason })
          if (!deps.pool.healthy(req.body.chain)) throw new StopBatch(`no healthy ${req.body.chain} node`)
          await sleep(retryDelayMs(attempt))
      }
    }
  }

  const sendToDlq = async (req: QueuedRequest, message: KeyedMessage, reason: string) => {
    await deps.toDlq(message, partition, reason)
    await deps.record([{ id: req.id, chain: req.body.chain, sender: req.sender, partition, at: Date.now(), status: "dlq", reason, body_hash: req.body_hash, ...(req.batch_id ? { batch_id: req.batch_id } : {}) }])
  }

  const handle = async (payload: EachBatchPayload): Promise<void> => {
    const { batch } = payload
    if (!caughtUp) {
      // Before the first message: read every result written so far, including a previous owner's.
      await deps.view.catchUp()
      caughtUp = true
    }
    const messages = batch.messages.map((m) => ({ ...m, key: m.key?.toString() ?? "" }))
    const offsets = messages.map((m) => m.offset)
    const finished = new Set<string>()
    const groups = groupByKey(messages)
    let stopReason: string | undefined
    let next = 0
    const runKeys = async () => {
      while (stopReason === undefined && next < groups.length) {
        const group = groups[next++] ?? []
        // Records still being written for this key, oldest first; at most pipelineDepth.
        const writing: Promise<void>[] = []
        const settle = async (m: KeyedMessage, durable: Promise<void>) => {
          await durable
          finished.add(m.offset)
        }
        try {
          for (const m of group) {
            const durable = await processOne(m, payload)
            if (durable === undefined) finished.add(m.offset)
            else writing.push(settle(m, durable))
            if (writing.length >= pipelineDepth) await writing.shift()
          }
          await Promise.all(writing)
        } catch (e) {
          // A record that failed to write leaves its message unfinished: it is redelivered and reconciled.
          await Promise.allSettled(writing)
          stopReason = e instanceof Error ? e.message : String(e)
          if (!(e instanceof StopBatch) && !(e instanceof Error)) throw e
          return
        }
      }
    }
    rebalancing = false
    const heartbeat = setInterval(() => {
      payload.heartbeat().catch(() => {
        rebalancing = true
      })
    }, 1_000)
    try {
      await Promise.all(Array.from({ length: Math.min(deps.maxParallelKeys, groups.length) }, runKeys))
    } finally {
      clearInterval(heartbeat)
    }
    const end = finishedPrefixEnd(offsets, finished)
    if (end !== undefined) {
      payload.resolveOffset(end)
      await deps.commit(partition, (BigInt(end) + 1n).toString())
    }
    if (stopReason !== undefined && !stopped && !rebalancing && payload.isRunning()) {
      // Leave the rest in Kafka: pause, and resume once the chain has a healthy node again.
      const chain = messages.map((m) => parseQueued(m.value?.toString() ?? "")?.body.chain).find((c) => c !== undefined)
      log.warn("partition-consumer.paused", { partition, reason: stopReason, committed: end ?? null })
      const resume = payload.pause()
      const poll = setInterval(() => {
        if (stopped || chain === undefined || deps.pool.healthy(chain)) {
          clearInterval(poll)
          log.info("partition-consumer.resumed", { partition })
          resume()
        }
      }, 250)
    }
  }

  return {
    partition,
    handle,
    stop: () => {
      stopped = true
    },
  }
}
