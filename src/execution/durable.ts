/**
 * Making records durable before acting on them, the one rule every executor follows:
 * a commit is retried (same records, same bytes) while Kafka refuses it, and fails only
 * when a newer owner fenced this one (or its outcome is unknown); a broadcast relies on
 * a commit only while the recorder still vouches for it, else it asks for fresh proof.
 */
import { Effect } from "effect"
import type { StatusRecord } from "../domain/status.ts"
import { commitRetry } from "../runtime/schedules.ts"
import type { CommitOptions, CommitProof, ExtraRecord, Recorder, RecordError } from "./ports.ts"

/**
 * The executor must stop and broadcast nothing more: a newer owner fenced it, or its
 * last transaction's outcome is unknown (it must be opened again and rebuilt from the
 * records, which only the actor may do, and only while it still holds the partition).
 */
export type Fenced = Extract<RecordError, { readonly _tag: "WriterFenced" | "CommitAmbiguous" }>

const halts = (e: RecordError): e is Fenced => e._tag === "WriterFenced" || e._tag === "CommitAmbiguous"

/** Commits until it succeeds or the executor is fenced. */
export const commitDurably = (
  recorder: Recorder,
  records: readonly StatusRecord[],
  finishes: readonly bigint[] = [],
  extra: readonly ExtraRecord[] = [],
  options: CommitOptions = {},
): Effect.Effect<CommitProof, Fenced> =>
  recorder.commit(records, finishes, extra, options).pipe(
    Effect.retry({ schedule: commitRetry, while: (e) => !halts(e) }),
    Effect.catch((e) => (halts(e) ? Effect.fail(e) : Effect.die(e))),
  )

/** Succeeds once the executor has fresh proof that it still owns its partition (see `Recorder.ensureOwned`). */
export const ensureOwned = (recorder: Recorder): Effect.Effect<void, Fenced> =>
  recorder.ensureOwned.pipe(
    Effect.retry({ schedule: commitRetry, while: (e) => !halts(e) }),
    Effect.catch((e) => (halts(e) ? Effect.fail(e) : Effect.die(e))),
  )
