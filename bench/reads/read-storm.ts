/**
 * The read storm: N clients, each reading one balance after another for a
 * fixed time (a closed loop: a client asks again as soon as it is
 * answered), every read for an address drawn from the Zipf mix. It counts
 * what the bench reports: successful reads and their latency, failures by
 * reason, the gateway's cache outcomes and nodes, how far each answer's
 * block was behind the head the bench knew when it asked, and one answer in
 * `sampleEvery` kept whole so it can be checked against the node afterwards.
 * The read itself, the head and the clocks are injected, so the loop is
 * tested without a socket.
 */
import { type ProgressSink, silentSink, startProgress } from "../lib/progress.ts"
import { ratePerSecond, type Summary, summarize } from "../lib/stats.ts"
import type { ReadCall } from "./read-client.ts"

/** One answer kept whole, to compare with the node's own answer for its block. */
export interface SampledAnswer {
  readonly address: string
  /** The balance in wei, as a decimal string (JSON has no bigint). */
  readonly balance: string
  /** The block the gateway said the answer is for; null when it did not say. */
  readonly block: number | null
  /** The head the bench's poller had seen when the read was sent; null before its first answer. */
  readonly headAtAsk: number | null
  /** Epoch ms when the read was sent. */
  readonly at: number
  readonly cache?: string
  readonly node?: string
}

/** Reads that failed with the same reason, counted together. */
export interface ReadFailures {
  readonly detail: string
  readonly count: number
}

/** An answer whose block was behind the head known at the ask by more than one. */
export interface StaleAnswer {
  readonly address: string
  readonly block: number
  readonly headAtAsk: number
  readonly cache?: string
}

/** What one storm measured. */
export interface StormResult {
  readonly clients: number
  readonly durationMs: number
  readonly attempted: number
  readonly ok: number
  readonly failed: number
  /** Largest first. */
  readonly failures: ReadonlyArray<ReadFailures>
  /** From the first read sent to the last answered (the reads in flight at the end finish). */
  readonly wallMs: number
  /** Successful reads answered within the duration, per second of it: the slow tail after the end neither adds nor stretches. */
  readonly readsPerSec: number
  /** Latency of the successful reads, ms. */
  readonly latencyMs: Summary | null
  /** When each successful read was answered, ms from the start, for a rate-over-time line. */
  readonly completionsMs: ReadonlyArray<number>
  /** Successful reads by `X-Gateway-Cache` (`none` when absent). */
  readonly cache: Readonly<Record<string, number>>
  /** Successful reads by `X-Gateway-Node` (`none` when absent). */
  readonly nodes: Readonly<Record<string, number>>
  readonly hedged: number
  /** Successful reads that named no block. */
  readonly withoutBlock: number
  /** Successful reads with a block, and a head known at the ask. */
  readonly judged: number
  /** Of those, answers whose block was older than head at ask − 1. */
  readonly stale: number
  /** The most blocks an answer was behind the head known at the ask (0 when never behind). */
  readonly maxBlocksBehind: number
  /** The first few stale answers, to read. */
  readonly staleExamples: ReadonlyArray<StaleAnswer>
  readonly samples: ReadonlyArray<SampledAnswer>
}

/** One storm's settings. */
export interface StormOptions {
  readonly clients: number
  readonly durationMs: number
  readonly addresses: ReadonlyArray<string>
  /** The index of the next address to read (the Zipf mix's draw). */
  readonly pick: () => number
  readonly read: ReadCall
  /** Keep every n-th successful answer whole; 0 keeps none. */
  readonly sampleEvery: number
  /** Called with each sample as it is kept (e.g. to check it against the node at once). */
  readonly onSample?: (sample: SampledAnswer) => void
  /** The latest head the bench's poller saw; null when it has not answered yet. */
  readonly headAt: () => number | null
  readonly label: string
  readonly progress?: ProgressSink
  /** Milliseconds clock for latencies and the duration; injected by tests. */
  readonly now?: () => number
  readonly epochNow?: () => number
}

const EXAMPLES = 5

/** Runs the storm until `durationMs` has passed and every read in flight is answered. */
export const runReadStorm = async (options: StormOptions): Promise<StormResult> => {
  const now = options.now ?? (() => performance.now())
  const epochNow = options.epochNow ?? Date.now
  const bar = startProgress({ label: options.label, total: 0, sink: options.progress ?? silentSink })
  const latencies: Array<number> = []
  const completions: Array<number> = []
  const failures = new Map<string, number>()
  const cache: Record<string, number> = {}
  const nodes: Record<string, number> = {}
  const samples: Array<SampledAnswer> = []
  const staleExamples: Array<StaleAnswer> = []
  let attempted = 0
  let hedged = 0
  let withoutBlock = 0
  let judged = 0
  let stale = 0
  let maxBehind = 0
  const started = now()
  const end = started + options.durationMs
  let last = started
  const client = async () => {
    while (now() < end) {
      const id = attempted++
      const address = options.addresses[options.pick()] ?? ""
      const headAtAsk = options.headAt()
      const at = epochNow()
      const sent = now()
      const answer = await options.read(address, id)
      const done = now()
      last = Math.max(last, done)
      if (!answer.ok || answer.balance === undefined) {
        const detail = answer.error ?? "failed"
        failures.set(detail, (failures.get(detail) ?? 0) + 1)
        continue
      }
      latencies.push(done - sent)
      completions.push(done - started)
      bar.tick()
      cache[answer.cache ?? "none"] = (cache[answer.cache ?? "none"] ?? 0) + 1
      nodes[answer.node ?? "none"] = (nodes[answer.node ?? "none"] ?? 0) + 1
      if (answer.hedged === true) hedged++
      if (answer.block === null) withoutBlock++
      else if (headAtAsk !== null) {
        judged++
        maxBehind = Math.max(maxBehind, headAtAsk - answer.block)
        if (answer.block < headAtAsk - 1) {
          stale++
          if (staleExamples.length < EXAMPLES) staleExamples.push({ address, block: answer.block, headAtAsk, ...(answer.cache === undefined ? {} : { cache: answer.cache }) })
        }
      }
      if (options.sampleEvery > 0 && latencies.length % options.sampleEvery === 0) {
        const sample: SampledAnswer = {
          address,
          balance: answer.balance.toString(),
          block: answer.block,
          headAtAsk,
          at,
          ...(answer.cache === undefined ? {} : { cache: answer.cache }),
          ...(answer.node === undefined ? {} : { node: answer.node }),
        }
        samples.push(sample)
        options.onSample?.(sample)
      }
    }
  }
  await Promise.all(Array.from({ length: options.clients }, client))
  bar.finish()
  const wallMs = last - started
  const failed = [...failures.values()].reduce((a, b) => a + b, 0)
  return {
    clients: options.clients,
    durationMs: options.durationMs,
    attempted,
    ok: latencies.length,
    failed,
    failures: [...failures.entries()].map(([detail, count]) => ({ detail, count })).sort((a, b) => b.count - a.count || a.detail.localeCompare(b.detail)),
    wallMs,
    readsPerSec: Math.round(ratePerSecond(completions.filter((t) => t <= options.durationMs).length, options.durationMs) * 10) / 10,
    latencyMs: summarize(latencies),
    completionsMs: completions,
    cache,
    nodes,
    hedged,
    withoutBlock,
    judged,
    stale,
    maxBlocksBehind: maxBehind,
    staleExamples,
    samples,
  }
}
