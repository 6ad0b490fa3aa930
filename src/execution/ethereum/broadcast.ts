/**
 * Sending recorded bytes to the node, and reading its answer as one of a few outcomes.
 * Only bytes of a slot whose record is committed are ever sent (`slot.recorded`), and
 * only while the executor still owns its partition (checked by the caller).
 */
import { Effect } from "effect"
import type { RefusalKind } from "../../adapters/node-errors.ts"
import { ensureOwned, type Fenced } from "../durable.ts"
import type { ChainNodes, Recorder } from "../ports.ts"
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

/**
 * Sends the current versions of several recorded slots of one sender, in nonce order,
 * one after another, once the recorder vouches that the partition is still ours.
 * Answers each slot's outcome, in the order given.
 *
 * Not one JSON-RPC batch: a node may handle a batch's calls concurrently (anvil does),
 * so nonces would arrive out of order, and anvil can then leave a ready transaction
 * queued and unmined (foundry-rs/foundry#10122, seen here with a run of 64 nonces).
 * In order, one call each, costs a round trip per transaction, as every client pays.
 */
export const broadcastSlots = (nodes: ChainNodes, recorder: Recorder, slots: readonly Slot[], now: () => number): Effect.Effect<readonly BroadcastOutcome[], Fenced> =>
  Effect.gen(function* () {
    const outcomes: BroadcastOutcome[] = []
    for (const slot of slots) {
      const outcome = yield* broadcastSlot(nodes, recorder, slot, now)
      // A slot the run holds (`inRun`) is the tracker's again once the node took it; after any
      // other answer, once the run has acted on it (the run calls `releaseFromRun`).
      if (outcome._tag === "sent") slot.inRun = undefined
      outcomes.push(outcome)
    }
    return outcomes
  })

/** Hands the slots back to the tracker (see `broadcastSlots`). */
export const releaseFromRun = (slots: readonly Slot[]): void => {
  for (const slot of slots) slot.inRun = undefined
}

/** Whether the node knows any of these hashes (in its pool or its chain). */
export const knownToNode = (nodes: ChainNodes, node: string, hashes: readonly string[]): Effect.Effect<boolean> =>
  Effect.map(
    Effect.forEach(hashes, (h) => Effect.orElseSucceed(nodes.callNode(node, "eth_getTransactionByHash", [h]), () => null)),
    (answers) => answers.some((a) => a !== null && a !== undefined),
  )
