/**
 * The tagged errors that outside systems produce, and the one table that says which
 * of them are worth retrying. Nothing outside this file decides retriability, and
 * nothing anywhere matches on error message text except `classifyNodeMessage` here.
 */
import { Data } from "effect"

/** Kafka could not be reached, or refused a request (metadata, produce, commit). */
export class KafkaUnavailable extends Data.TaggedError("KafkaUnavailable")<{
  readonly operation: string
  readonly brokers: string
  readonly detail: string
}> {
  override get message() {
    return `Kafka ${this.operation} failed (brokers ${this.brokers}): ${this.detail}; is the stack up? (npm run stack -- status)`
  }
}

/** etcd could not be reached, or a request to it failed. */
export class EtcdUnavailable extends Data.TaggedError("EtcdUnavailable")<{
  readonly operation: string
  readonly endpoints: string
  readonly detail: string
}> {
  override get message() {
    return `etcd ${this.operation} failed (endpoints ${this.endpoints}): ${this.detail}; is the stack up? (npm run stack -- status)`
  }
}

/** A blockchain node did not answer: connection refused, timeout, HTTP 5xx. */
export class NodeUnreachable extends Data.TaggedError("NodeUnreachable")<{
  readonly node: string
  readonly method: string
  readonly detail: string
}> {
  override get message() {
    return `node ${this.node} did not answer ${this.method}: ${this.detail}`
  }
}

/** A blockchain node said it is overloaded (Bitcoin Core's "Work queue depth exceeded", too many clients). */
export class NodeOverloaded extends Data.TaggedError("NodeOverloaded")<{
  readonly node: string
  readonly method: string
  readonly detail: string
}> {
  override get message() {
    return `node ${this.node} is overloaded (${this.method}): ${this.detail}`
  }
}

/** A blockchain node answered the call with a JSON-RPC error: the call itself was refused. */
export class NodeRejected extends Data.TaggedError("NodeRejected")<{
  readonly node: string
  readonly method: string
  readonly code: number
  readonly detail: string
}> {
  override get message() {
    return `node ${this.node} rejected ${this.method} (code ${this.code}): ${this.detail}`
  }
}

/** Every error an outside system can raise. */
export type OutsideError = KafkaUnavailable | EtcdUnavailable | NodeUnreachable | NodeOverloaded | NodeRejected

/** Which errors a retry can cure. A rejected call fails the same way every time. */
const retriableByTag: Record<OutsideError["_tag"], boolean> = {
  KafkaUnavailable: true,
  EtcdUnavailable: true,
  NodeUnreachable: true,
  NodeOverloaded: true,
  NodeRejected: false,
}

/** True when retrying the failed operation may succeed. */
export const isRetriable = (error: OutsideError): boolean => retriableByTag[error._tag]

/**
 * Sorts a node's error text into overload or a plain rejection. Bitcoin Core answers
 * overload with HTTP 503 "Work queue depth exceeded"; btcwallet refuses clients past its
 * limit with HTTP 429 "Too Many Requests". This is the only place such text is read.
 */
export const classifyNodeMessage = (httpStatus: number, text: string): "overloaded" | "unreachable" | "rejected" => {
  // 503: Bitcoin Core's full work queue; 429: btcwallet past its client limit.
  if (httpStatus === 503 || httpStatus === 429 || /work queue depth exceeded|too many (clients|connections|requests)/i.test(text)) return "overloaded"
  if (httpStatus >= 500 || httpStatus === 0) return "unreachable"
  return "rejected"
}

/** A short, log-safe description of an unknown thrown value. */
export const describe = (cause: unknown): string =>
  cause instanceof Error ? cause.message : typeof cause === "string" ? cause : JSON.stringify(cause)
