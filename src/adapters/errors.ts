/**
 * The tagged errors that outside systems produce, and the one table that says which
 * of them are worth retrying. Nothing outside this file decides retriability; a node's
 * refusal carries the `RefusalKind` that `node-errors.ts` (the only reader of node error
 * text) gave it, and its row in `refusalPolicy` says whether a retry can cure it.
 */
import { Data } from "effect"
import type { EtcdCallReach } from "./etcd-errors.ts"
import { classifyRefusal, isRetriableRefusal, type NodeChain, type RefusalKind } from "./node-errors.ts"

/** Kafka could not be reached, or refused a request (metadata, produce, commit). */
export class KafkaUnavailable extends Data.TaggedError("KafkaUnavailable")<{
  readonly operation: string
  readonly brokers: string
  readonly detail: string
  /** False when the brokers refused for a reason another attempt would meet again (a record too large); absent when unknown. */
  readonly retriable?: boolean
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
  /** Whether the call reached a member, from `etcdCallReach` (etcd-errors.ts); absent when no call was made. */
  readonly reach?: EtcdCallReach
}> {
  override get message() {
    return `etcd ${this.operation} failed (endpoints ${this.endpoints}): ${this.detail}; is the stack up? (npm run stack -- status)`
  }
}

/** A blockchain node did not answer: connection refused, timeout, HTTP 5xx or 401 without a JSON-RPC error, a node still warming up. */
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

/**
 * A blockchain node answered the call with a JSON-RPC error (whatever the HTTP status:
 * Bitcoin Core sends its errors with HTTP 500): the call itself was refused. `kind` is
 * what the refusal means, from `classifyRefusal`; build one with `nodeRejected`.
 */
export class NodeRejected extends Data.TaggedError("NodeRejected")<{
  readonly node: string
  readonly method: string
  readonly code: number
  readonly detail: string
  readonly kind: RefusalKind
  /** The error's `data`, when the node sent a string (revert data of an `execution reverted`). */
  readonly data?: string
}> {
  override get message() {
    return `node ${this.node} rejected ${this.method} (code ${this.code}, ${this.kind}): ${this.detail}`
  }
}

/** A `NodeRejected` whose kind is read from the refusal table: what every adapter builds. */
export const nodeRejected = (
  chain: NodeChain,
  fields: { readonly node: string; readonly method: string; readonly code: number; readonly detail: string; readonly data?: string },
): NodeRejected => new NodeRejected({ ...fields, kind: classifyRefusal(chain, fields.code, fields.detail) })

/** Every error an outside system can raise. */
export type OutsideError = KafkaUnavailable | EtcdUnavailable | NodeUnreachable | NodeOverloaded | NodeRejected

/** Which errors a retry can cure. A node's refusal is decided by its kind (below). */
const retriableByTag: Record<Exclude<OutsideError["_tag"], "NodeRejected">, boolean> = {
  KafkaUnavailable: true,
  EtcdUnavailable: true,
  NodeUnreachable: true,
  NodeOverloaded: true,
}

/**
 * True when retrying the failed operation may succeed. A rejected call fails the same way
 * every time, except the refusal kinds `refusalPolicy` marks retriable (a nonce gap that fills).
 */
export const isRetriable = (error: OutsideError): boolean =>
  error._tag === "NodeRejected" ? isRetriableRefusal(error.kind) : retriableByTag[error._tag]

/** A short, log-safe description of an unknown thrown value. */
export const describe = (cause: unknown): string =>
  cause instanceof Error ? cause.message : typeof cause === "string" ? cause : JSON.stringify(cause)
