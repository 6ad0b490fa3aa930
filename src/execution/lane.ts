/**
 * The contract between the partition executor and a chain's lane. The executor hands a
 * lane one key's requests at a time, in order (a run); the lane records their outcome
 * and the offsets they finish in one commit, and then acts (broadcasts). A lane also
 * has a tracker round, run on a timer, that follows what it sent until it is final.
 */
import type { Effect } from "effect"
import type { QueuedRequest } from "../domain/request.ts"
import type { StatusRecord } from "../domain/status.ts"
import type { Fenced } from "./durable.ts"
import type { ExtraRecord } from "./ports.ts"

/** One `sendto` message, decoded, waiting in its key's queue. */
export interface LaneItem {
  readonly offset: bigint
  readonly request: QueuedRequest
}

/** How a run ended. */
export type RunResult =
  /** Every item was recorded (or skipped as a copy already handled). */
  | { readonly _tag: "done" }
  /**
   * The items from `remaining` on were not handled: a node call failed in passing.
   * They stay first in their key's queue and are tried again after a delay.
   */
  | { readonly _tag: "later"; readonly remaining: readonly LaneItem[]; readonly reason: string }
  /**
   * Nothing failed, but the items from `remaining` on (all of them when absent) must wait
   * `ms`: a batch is still gathering payouts, or coins wait for a block. Not an attempt.
   */
  | { readonly _tag: "wait"; readonly ms: number; readonly remaining?: readonly LaneItem[] }

/** The DLQ message and the `dlq` status record of a request that can never succeed. */
export interface DeadLetter {
  readonly record: StatusRecord
  readonly extra: ExtraRecord
}

/** Builds the dead letter of `item` with `reason`; the executor knows the DLQ topic. */
export type DeadLetterFor = (item: LaneItem, reason: string) => DeadLetter

/** One chain's share of a partition executor. */
export interface Lane {
  /** How many more requests of `sender` may start now (pipelining is bounded per sender). */
  readonly capacity: (sender: string) => number
  /** Handles `items` (one key's, in order). */
  readonly run: (sender: string, items: readonly LaneItem[]) => Effect.Effect<RunResult, Fenced>
  /** One round of following what was sent: confirmations, reorgs, rebroadcasts, fee bumps. */
  readonly track: Effect.Effect<void, Fenced>
  /** Rebuilds the lane from the partition's records on takeover (unfinished transactions). */
  readonly restore: (records: readonly StatusRecord[]) => Effect.Effect<void, Fenced>
  /** Lets go of what the lane holds outside its partition (its registration with host-wide readers). */
  readonly close?: Effect.Effect<void>
}
