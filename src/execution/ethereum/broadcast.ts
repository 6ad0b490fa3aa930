/**
 * Sending recorded bytes to the node, and reading its answer as one of a few outcomes.
 * Only bytes of a slot whose record is committed are ever sent (`slot.recorded`), and
 * only while the executor still owns its partition (checked by the caller).
 */
import { Effect } from "effect"
import type { RefusalKind } from "../../adapters/node-errors.ts"
import { ensureOwned, type Fenced } from "../durable.ts"
import type { BatchOutcome, ChainNodes, Recorder } from "../ports.ts"
import { currentVersion, type Slot } from "./sender-book.ts"

/** How one broadcast ended. */
export type BroadcastOutcome =
  /** The node took it, or already had these bytes. */
  | { readonly _tag: "sent" }
  /** The node refused it; `kind` says why (the node's words in `detail`). */
  | { readonly _tag: "refused"; readonly kind: RefusalKind; readonly detail: string }
  /** The call did not get an answer (unreachable, overloaded, breaker open): the bytes may or may not be in. */
  | { readonly _tag: "unanswered"; readonly detail: string }

/** Sends the slot's current version to its node, once the recorder vouches that the partition is still ours. */
export const broadcastSlot = (nodes: ChainNodes, recorder: Recorder, slot: Slot, now: () => number): Effect.Effect<BroadcastOutcome, Fenced> => {
  if (!slot.recorded) return Effect.die(new Error(`slot ${slot.sender}:${slot.nonce} broadcast before it was recorded`))
  const version = currentVersion(slot)
  return ensureOwned(recorder).pipe(
    Effect.andThen(nodes.callNode(slot.node, "eth_sendRawTransaction", [version.raw])),
    Effect.as<BroadcastOutcome>({ _tag: "sent" }),
    Effect.catch((e): Effect.Effect<BroadcastOutcome, Fenced> => {
      if (e._tag === "WriterFenced" || e._tag === "CommitAmbiguous") return Effect.fail(e)
      if (e._tag !== "NodeRejected") return Effect.succeed({ _tag: "unanswered", detail: e.message })
      const kind = e.kind
      return Effect.succeed(kind === "already-known" ? { _tag: "sent" } : { _tag: "refused", kind, detail: e.detail })
    }),
    Effect.tap((outcome) =>
      Effect.sync(() => {
        if (outcome._tag === "sent") {
          slot.sentAt = now()
          slot.refused = undefined
        }
      }),
    ),
  )
}

/** What one answer to a broadcast means. */
const outcomeOf = (answer: BatchOutcome): BroadcastOutcome => {
  if (answer.ok) return { _tag: "sent" }
  const e = answer.error
  if (e._tag !== "NodeRejected") return { _tag: "unanswered", detail: e.message }
  return e.kind === "already-known" ? { _tag: "sent" } : { _tag: "refused", kind: e.kind, detail: e.detail }
}

/**
 * Sends the current versions of several recorded slots of one node in one batch, in
 * nonce order, once the recorder vouches that the partition is still ours. Answers each
 * slot's outcome, in the order given.
 */
export const broadcastSlots = (nodes: ChainNodes, recorder: Recorder, node: string, slots: readonly Slot[], now: () => number): Effect.Effect<readonly BroadcastOutcome[], Fenced> =>
  Effect.gen(function* () {
    if (slots.some((s) => !s.recorded)) return yield* Effect.die(new Error("a slot was broadcast before it was recorded"))
    if (slots.length === 0) return []
    yield* ensureOwned(recorder)
    const answers = yield* Effect.orElseSucceed(
      nodes.callNodeBatch(node, slots.map((s) => ({ method: "eth_sendRawTransaction", params: [currentVersion(s).raw] }))),
      () => slots.map((): BatchOutcome => ({ ok: false, error: { _tag: "CircuitOpen", message: `no healthy ${node}` } })),
    )
    const outcomes = answers.map(outcomeOf)
    outcomes.forEach((o, i) => {
      const slot = slots[i]
      if (slot !== undefined && o._tag === "sent") {
        slot.sentAt = now()
        slot.refused = undefined
      }
    })
    return outcomes
  })

/** Whether the node knows any of these hashes (in its pool or its chain). */
export const knownToNode = (nodes: ChainNodes, node: string, hashes: readonly string[]): Effect.Effect<boolean> =>
  Effect.map(
    Effect.forEach(hashes, (h) => Effect.orElseSucceed(nodes.callNode(node, "eth_getTransactionByHash", [h]), () => null)),
    (answers) => answers.some((a) => a !== null && a !== undefined),
  )
