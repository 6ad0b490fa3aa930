/**
 * The recorder of one partition executor: an ordered group commit in front of the
 * partition's fenced transactional writer. Callers hand in records and the offsets of
 * the messages those records finish; whatever queued while a transaction was in flight
 * goes into the next one, together with the consumer offset through which every
 * message is finished.
 *
 * The consumer offset rides along at most once every `offsetEveryMs` (and always in a
 * transaction that proves ownership): committing it costs the cluster two more requests
 * and a marker on `__consumer_offsets` per transaction, and an offset that lags only
 * means a new owner reads a few messages again, which it skips by their records. When
 * the last transaction before a pause went without it, one offset-only transaction
 * follows once the interval is up, so an idle partition's committed offset catches up
 * with what is finished: otherwise the group's lag (the intake's backlog breaker, the
 * operations page) would show messages as waiting until the next request arrived.
 *
 * Order is the whole point. A transaction that fails is tried again, with anything
 * queued since appended, before anything later is committed, so a consumer offset is
 * never committed ahead of the records of the messages below it. A fenced writer fails
 * every caller, now and later: a newer owner holds the partition. So does a commit whose
 * outcome is unknown: the writer must be opened again and the executor rebuilt from the
 * records, which is the actor's decision.
 */
import { Effect } from "effect"
import type { StatusRecord } from "../../domain/status.ts"
import { encodeStatus } from "../../domain/wire.ts"
import type { OffsetBook } from "../../execution/offset-book.ts"
import type { CommitOptions, CommitProof, ExtraRecord, Recorder, RecordError } from "../../execution/ports.ts"
import { commitRetryDelayMs } from "../../runtime/schedules.ts"

/** One record as the writer sends it. */
export interface OutRecord {
  readonly topic: string
  readonly key: string | null
  readonly value: string
}

/** The transactional writer of the partition, called one transaction at a time. */
export interface TransactionSink {
  /** Commits `records` and, when given, the consumer offset `nextOffset`, in one transaction. */
  readonly commit: (records: readonly OutRecord[], nextOffset: bigint | undefined) => Promise<CommitProof>
  readonly owns: (proof: CommitProof) => boolean
}

interface Pending {
  readonly records: readonly OutRecord[]
  readonly finishes: readonly bigint[]
  /** Starts a transaction at once, pause or not. */
  readonly urgent: boolean
  readonly resolve: (proof: CommitProof) => void
  readonly reject: (error: RecordError) => void
}

/** Most records one transaction carries (one caller's records are never split). */
const maxRecordsPerTransaction = 2_000

const asRecordError = (e: unknown): RecordError => {
  if (typeof e === "object" && e !== null && "_tag" in e) {
    const tag = (e as { _tag: unknown })._tag
    const message = String((e as { message?: unknown }).message ?? tag)
    if (tag === "WriterFenced" || tag === "KafkaUnavailable" || tag === "CommitAmbiguous") return { _tag: tag, message }
    // The writer must be opened again (a commit of unknown outcome, or a producer left unusable): only a new takeover may do that.
    if (tag === "WriterMustReopen" || tag === "WriterNotOpen") return { _tag: "CommitAmbiguous", message }
  }
  return { _tag: "KafkaUnavailable", message: e instanceof Error ? e.message : String(e) }
}

/**
 * How long a partition's writer waits between the starts of two transactions. A partition
 * with a backlog waits `busyMs`, so each transaction carries more of it; one that only sees
 * a trickle waits `lightMs`, because there the pause is what each payment waits. A backlog
 * is `busyThreshold` or more messages held and not yet finished, or a last transaction of
 * that many records.
 */
export interface Pacing {
  readonly busyMs: number
  readonly lightMs: number
}

/**
 * Messages held, or records in the last transaction, that mark a partition busy. In
 * `gateway bench drain` a partition held thousands under the 10,000-transfer backlog and
 * its transactions about 190 records; with 20 single transfers a second over 12
 * partitions, 0-3 held and 2-3 records.
 */
export const busyThreshold = 32

/** The pause after a transaction of `records` records, with `held` messages not yet finished. */
export const pauseFor = (pacing: Pacing, records: number, held: number): number => (records >= busyThreshold || held >= busyThreshold ? pacing.busyMs : pacing.lightMs)

/** A transaction still committing after this long is logged (once). */
const slowCommitMs = 30_000

/** Builds the recorder of a partition over its sink and offset book. */
export const makePartitionRecorder = (
  sink: TransactionSink,
  offsets: OffsetBook,
  resultsTopic: string,
  opened: CommitProof,
  onRetry: (error: RecordError, attempt: number) => void = () => undefined,
  onCommit: (records: number, ms: number) => void = () => undefined,
  offsetEveryMs = 1_000,
  /**
   * The least time between the starts of two transactions (`[kafka.consumer].transaction_interval_ms`
   * after a busy one, `transaction_interval_light_ms` after a small one; see `Pacing`).
   * A commit after a quiet spell starts at once; under load whatever queues in the pause
   * rides in the next transaction. A Kafka transaction costs the brokers about the same
   * CPU whatever it holds: on the 2-core stack, 12 writers committing 64 records each back
   * to back made 57 transactions/s at 137% broker CPU (about 24 ms each), and
   * `gateway bench drain` (3,000 transfers, 12 partitions on one host) spent 3.2 ms of
   * broker CPU per request back to back against 2.3 ms with 1 s between starts. An urgent
   * caller (a lane whose next run waits for this commit) ends the pause at once.
   */
  intervalMs: number | Pacing = 0,
  /** Called once for a transaction still committing after `slowCommitMs`, with its records and how long it has taken. */
  onSlowCommit: (records: number, ms: number) => void = () => undefined,
): Recorder => {
  const pacing: Pacing = typeof intervalMs === "number" ? { busyMs: intervalMs, lightMs: intervalMs } : intervalMs
  let offsetAt = Number.NEGATIVE_INFINITY
  // The newest proof of ownership: the writer's opening, then each commit.
  let last = opened
  let queue: Pending[] = []
  // The batch being (re)tried: it stays at the head until it commits.
  let inFlight: Pending[] = []
  let flushing = false
  let fenced: RecordError | undefined
  // The offset the last offset-carrying transaction committed, and the trailing commit waiting to catch up to the book.
  let sentOffset: bigint | undefined
  let trailing: ReturnType<typeof setTimeout> | undefined
  // When the last transaction started and how many records it held (the next pause is measured from them), and how to end the pause early (an urgent caller).
  let lastStartAt = Number.NEGATIVE_INFINITY
  let lastRecords = 0
  let endPause: (() => void) | undefined
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => endPause?.(), ms)
      endPause = () => {
        clearTimeout(timer)
        endPause = undefined
        resolve()
      }
    })

  const flush = async (): Promise<void> => {
    if (flushing) return
    flushing = true
    let attempt = 0
    try {
      while (fenced === undefined && (inFlight.length > 0 || queue.length > 0)) {
        // Paced under load (see `intervalMs`); whatever queues meanwhile joins this transaction.
        const wait = lastStartAt + pauseFor(pacing, lastRecords, offsets.open()) - performance.now()
        if (wait > 0 && !queue.some((p) => p.urgent)) await pause(wait)
        let count = inFlight.reduce((n, p) => n + p.records.length, 0)
        while (queue.length > 0) {
          const next = queue[0] as Pending
          if (inFlight.length > 0 && count + next.records.length > maxRecordsPerTransaction) break
          inFlight.push(next)
          count += next.records.length
          queue.shift()
          offsets.finish(next.finishes)
        }
        const batch = inFlight
        try {
          const started = performance.now()
          const records = batch.flatMap((p) => p.records)
          const withOffset = records.length === 0 || started - offsetAt >= offsetEveryMs
          const offset = withOffset ? (offsets.committable() ?? offsets.floor()) : undefined
          // Every run and tracker round of the partition waits on this commit: say so when it takes long.
          const slow = setTimeout(() => onSlowCommit(records.length, Math.round(performance.now() - started)), slowCommitMs)
          const proof = await sink.commit(records, offset).finally(() => clearTimeout(slow))
          if (withOffset) {
            offsetAt = started
            sentOffset = offset
          }
          onCommit(records.length, performance.now() - started)
          inFlight = []
          attempt = 0
          last = proof
          for (const p of batch) p.resolve(proof)
          lastStartAt = started
          lastRecords = records.length
        } catch (cause) {
          const error = asRecordError(cause)
          if (error._tag === "WriterFenced" || error._tag === "CommitAmbiguous") {
            fenced = error
            break
          }
          onRetry(error, attempt)
          await new Promise((r) => setTimeout(r, commitRetryDelayMs(attempt)))
          attempt += 1
        }
      }
      if (fenced !== undefined) {
        for (const p of [...inFlight, ...queue]) p.reject(fenced)
        inFlight = []
        queue = []
      }
    } finally {
      flushing = false
    }
    trailOffset()
  }

  /**
   * Once the interval is up, an offset-only transaction, if the book is still ahead of
   * the committed offset and nothing else carried it meanwhile. A closed or fenced writer
   * refuses it like any commit, which ends the recorder; no caller waits on it.
   */
  const trailOffset = () => {
    if (trailing !== undefined || fenced !== undefined) return
    const lagging = () => fenced === undefined && offsets.committable() !== undefined && offsets.committable() !== sentOffset
    if (!lagging()) return
    trailing = setTimeout(() => {
      trailing = undefined
      if (!lagging()) return
      queue.push({ records: [], finishes: [], urgent: false, resolve: () => undefined, reject: () => undefined })
      void flush()
    }, Math.max(0, offsetAt + offsetEveryMs - performance.now()))
    // A pending catch-up never keeps a stopping process alive.
    trailing.unref?.()
  }

  const commit = (records: readonly StatusRecord[], finishes: readonly bigint[] = [], extra: readonly ExtraRecord[] = [], options: CommitOptions = {}) =>
    Effect.callback<CommitProof, RecordError>((resume) => {
      if (fenced !== undefined) {
        resume(Effect.fail(fenced))
        return
      }
      const out: OutRecord[] = [...records.map((r) => ({ topic: resultsTopic, key: r.id, value: encodeStatus(r) })), ...extra]
      const urgent = options.urgent === true
      queue.push({ records: out, finishes, urgent, resolve: (proof) => resume(Effect.succeed(proof)), reject: (e) => resume(Effect.fail(e)) })
      if (urgent) endPause?.()
      void flush()
    })

  const prove = commit([], [])
  return { commit, ensureOwned: Effect.suspend(() => (sink.owns(last) ? Effect.void : Effect.asVoid(prove))) }
}
