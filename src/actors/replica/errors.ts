/**
 * Why the replica refuses a request, as tagged errors, and the table of which ones a
 * client should retry. A refused submit rejects its promise with one of these.
 */
import { Data } from "effect"
import type { LeaderValue } from "./leader-value.ts"

/** Why a replica that is not serving refused: following, still catching up, between sessions, or stopped. */
export type NotLeaderReason = "follower" | "catching-up" | "stepped-down" | "stopped"

/** Only the leader accepts requests. `leader` is who leads, if this replica knows. */
export class NotLeader extends Data.TaggedError("NotLeader")<{
  readonly node: string
  readonly reason: NotLeaderReason
  readonly leader: LeaderValue | undefined
}> {
  override get message() {
    const where = this.leader && this.leader.node !== this.node
      ? `send it to the leader, ${this.leader.node} at ${this.leader.location}`
      : "retry in a moment, with the same request id, once a leader is serving"
    return `replica ${this.node} is not serving requests (${this.reason}); ${where}`
  }
}

/** The state machine refuses this payload; nothing was appended. */
export class InvalidPayload extends Data.TaggedError("InvalidPayload")<{
  readonly requestId: string
  readonly reason: string
}> {
  override get message() {
    return `request ${this.requestId} refused: ${this.reason}; fix the payload and send it again`
  }
}

/** The request id is empty; ids are what makes a retried request take effect once. */
export class MissingRequestId extends Data.TaggedError("MissingRequestId")<{}> {
  override get message() {
    return "request id is empty; give every request a unique id and reuse it when retrying"
  }
}

/** The replica was crashed on purpose (`crash()`, failure drills): its loop fails so the supervisor restarts it. */
export class ReplicaCrashed extends Data.TaggedError("ReplicaCrashed")<{ readonly node: string }> {
  override get message() {
    return `replica ${this.node} crashed on request (failure drill); the supervisor restarts it`
  }
}

/** Every error a submit can reject with. */
export type SubmitError = NotLeader | InvalidPayload | MissingRequestId

/** Which submit errors a client should retry (with the same request id, at the leader). */
const retriableByTag: Record<SubmitError["_tag"], boolean> = {
  NotLeader: true,
  InvalidPayload: false,
  MissingRequestId: false,
}

/** True when retrying the submit, with the same request id, may succeed. */
export const isRetriableSubmitError = (error: SubmitError): boolean => retriableByTag[error._tag]
