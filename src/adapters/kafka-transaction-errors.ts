/**
 * What a failed Kafka transaction means for its writer, decided once, here, from the
 * errors kafkajs raises. kafkajs wraps a broker's error code in `KafkaJSProtocolError`
 * (`type`, `code`), and wraps that again in `KafkaJSNonRetriableError` or
 * `KafkaJSNumberOfRetriesExceeded` (`cause`) when it gave up retrying, so the whole cause
 * chain is read.
 *
 * Seen on the local Kafka 3.9.1 brokers through kafkajs 2.2.4 (which speaks the old
 * protocol versions, so brokers answer INVALID_PRODUCER_EPOCH where newer clients get
 * PRODUCER_FENCED): a producer whose transactional id was initialised again by another
 * producer gets `INVALID_PRODUCER_EPOCH` (code 47, "Producer attempted an operation with
 * an old epoch. Either there is a newer producer with the same transactionalId, or the
 * producer's transaction has been expired by the broker") from AddPartitionsToTxn (the
 * first send of a transaction), AddOffsetsToTxn and EndTxn. A transaction left open past
 * its `transactionTimeout` is aborted by the coordinator, which bumps the epoch: its
 * producer then gets the very same error, and is treated the same way (it was frozen).
 */
import { Data } from "effect"

/**
 * A newer producer owns this transactional id: another executor took the partition, or
 * the coordinator expired this one's transaction. Terminal: stop, broadcast nothing.
 */
export class WriterFenced extends Data.TaggedError("WriterFenced")<{
  readonly transactionalId: string
  readonly detail: string
}> {
  override get message() {
    return `Kafka transactional id ${this.transactionalId} now belongs to a newer owner (${this.detail}); this executor must stop and broadcast nothing`
  }
}

/**
 * The writer's producer cannot go on; only its owner may replace it, by opening the writer
 * again (which settles the transaction) and rebuilding from the records before it writes.
 * Nothing of the failed commit may be broadcast. `outcome` says what became of it:
 * - `unknown`: EndTxn was sent and no answer came; the commit is ambiguous and will be
 *   settled one way or the other by the re-open;
 * - `aborted`: nothing of it is or will be visible, but the producer's state is suspect:
 *   a produce failed (kafkajs then rewinds the partition's sequence numbers, even for
 *   records the broker did write, so the next transaction's records would be taken for
 *   duplicates of aborted ones and silently dropped), the abort itself failed, or the
 *   broker reported the sequence or transaction state broken.
 */
export class WriterMustReopen extends Data.TaggedError("WriterMustReopen")<{
  readonly transactionalId: string
  readonly outcome: "unknown" | "aborted"
  readonly detail: string
}> {
  override get message() {
    const what = this.outcome === "unknown" ? "may or may not have committed" : "was aborted, and its producer cannot be trusted with the next one"
    return `Kafka transaction of ${this.transactionalId} ${what} (${this.detail}); broadcast nothing from it, open the writer again and rebuild from the records`
  }
}

/** How a failed transaction step leaves its producer. */
export type TransactionFailure =
  /** A newer producer holds the transactional id (or the coordinator expired ours). */
  | "fenced"
  /** The producer's own state no longer matches the broker's; only a new producer id helps. */
  | "stuck"
  /** Anything else: the transaction can be aborted and tried again. */
  | "failed"

/** Broker error types that mean this producer's epoch is over. */
const fencedTypes: ReadonlySet<string> = new Set([
  "INVALID_PRODUCER_EPOCH", // code 47: the answer kafkajs's request versions get
  "PRODUCER_FENCED", // code 90: newer request versions; kafkajs 2.2.4 has no name for it
  "INVALID_PRODUCER_ID_MAPPING", // code 49: the id was re-created under another producer id
])

/** Broker error codes of the same, for codes kafkajs does not know (it reports them as code -99). */
const fencedCodes: ReadonlySet<number> = new Set([47, 49, 90])

/** Broker error types after which this producer's sequence or transaction state is unusable. */
const stuckTypes: ReadonlySet<string> = new Set(["OUT_OF_ORDER_SEQUENCE_NUMBER", "INVALID_TXN_STATE", "UNKNOWN_PRODUCER_ID"])

/** The fields of one link of a kafkajs error chain that this table reads. */
interface ErrorLink {
  readonly name: string
  readonly type: string
  readonly code: number | undefined
  readonly message: string
}

const field = (value: unknown, key: string): unknown =>
  typeof value === "object" && value !== null && key in value ? (value as Record<string, unknown>)[key] : undefined

/** The error and its causes, outermost first (at most 6 deep, so a cyclic cause cannot loop). */
export const errorChain = (error: unknown): ErrorLink[] => {
  const links: ErrorLink[] = []
  let current = error
  while (current !== undefined && current !== null && links.length < 6) {
    const code = field(current, "code")
    links.push({
      name: String(field(current, "name") ?? ""),
      type: String(field(current, "type") ?? ""),
      code: typeof code === "number" ? code : undefined,
      message: current instanceof Error ? current.message : String(current),
    })
    const cause = field(current, "cause")
    current = cause === current ? undefined : cause
  }
  return links
}

/** kafkajs's text for a broker code it has no entry for: "Unknown error code 90". */
const unknownCode = (message: string): number | undefined => {
  const match = /^Unknown error code (\d+)$/.exec(message)
  return match ? Number(match[1]) : undefined
}

/** Sorts a kafkajs error raised by a transaction step. */
export const classifyTransactionFailure = (error: unknown): TransactionFailure => {
  const chain = errorChain(error)
  const fenced = chain.some((l) => fencedTypes.has(l.type) || fencedCodes.has(l.code ?? -1) || fencedCodes.has(unknownCode(l.message) ?? -1))
  if (fenced) return "fenced"
  // kafkajs's own guard when a producer is used in a state its state machine forbids.
  const stuck = chain.some((l) => stuckTypes.has(l.type) || l.message.startsWith("Transaction state exception"))
  return stuck ? "stuck" : "failed"
}

/** True when kafkajs marks the error as worth retrying (a stale coordinator, a timeout). */
export const isRetriableKafkaError = (error: unknown): boolean => field(error, "retriable") === true

/**
 * True when anything in the error's cause chain is worth another attempt: a retriable
 * broker error (not the leader, not enough replicas), a lost connection, a timeout, or
 * kafkajs giving up retrying one of those. False for a refusal that repeats whatever
 * happens (a record too large, an invalid record).
 */
export const worthAnotherAttempt = (error: unknown): boolean =>
  errorChain(error).some((l) => ["KafkaJSConnectionError", "KafkaJSRequestTimeoutError", "KafkaJSConnectionClosedError", "KafkaJSNumberOfRetriesExceeded"].includes(l.name)) ||
  (function walk(e: unknown, depth: number): boolean {
    if (e === undefined || e === null || depth > 8) return false
    return isRetriableKafkaError(e) || walk(field(e, "cause"), depth + 1)
  })(error, 0)

/** A one-line account of a kafkajs error chain, for error details and logs. */
export const describeKafkaError = (error: unknown): string =>
  errorChain(error)
    .map((l) => (l.type !== "" ? `${l.type}: ${l.message}` : l.message))
    .filter((text, i, all) => all.indexOf(text) === i)
    .join(" <- ")
