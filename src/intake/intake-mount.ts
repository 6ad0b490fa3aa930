/**
 * Routes another part of the host adds to the intake listen (the operations page), and
 * what the producer lets them see: the backlog it already polls, the DLQ topic's size,
 * and its API-key check, so a mounted route that names requests is guarded exactly as
 * `/v1` is. Mirrors the replica listen's `ServiceMount`.
 */
import type { Hono, MiddlewareHandler } from "hono"
import type { PartitionBacklog } from "../kafka/backlog.ts"

/** What the producer knows that a mount may read. */
export interface IntakeSight {
  /** The request topic's backlog per partition, as the last poll read it (`readAt` undefined before the first). */
  readonly backlog: () => { readonly topic: string; readonly group: string; readonly partitions: readonly PartitionBacklog[]; readonly readAt: number | undefined }
  /** Messages in the DLQ topic; undefined before the first read. */
  readonly dlqMessages: () => number | undefined
  /** The intake's API-key check (`[intake].api_keys_env`). */
  readonly requireKey: MiddlewareHandler
  /** Whose requests the presented key may see: the owner `/v1` matches records by. */
  readonly ownerOf: (headers: Headers) => string
}

/** Given the producer's sight, adds routes to the intake app (before its not-found answer). */
export type IntakeMount = (sight: IntakeSight) => (app: Hono) => void
