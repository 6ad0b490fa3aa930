/**
 * The life of one partition on this host, as a state machine with a pure `transition`.
 *
 *   assigned ──► taking-over ──opened──► running
 *                    ▲                      │ halted (fenced, or a commit of unknown outcome)
 *                    └──confirmed──── halted ◄┘
 *   any ──revoked──► revoked
 *
 * A halted executor is taken over again only once the group confirms, after the halt,
 * that this member still holds the partition (a heartbeat of the same generation);
 * opening the writer earlier could fence the real new owner.
 */

/** Where one partition stands. */
export type PartitionState =
  | { readonly _tag: "taking-over"; readonly generation: number }
  | { readonly _tag: "running"; readonly generation: number }
  | { readonly _tag: "halted"; readonly generation: number; readonly reason: string }
  | { readonly _tag: "revoked" }

/** What happens to a partition. */
export type PartitionEvent =
  | { readonly _tag: "opened" }
  | { readonly _tag: "halted"; readonly reason: string }
  /** The group answered a heartbeat of `generation`: the member's assignment still stands. */
  | { readonly _tag: "confirmed"; readonly generation: number }
  | { readonly _tag: "revoked" }

/** What the actor must do after a transition. */
export type PartitionAction = "take-over" | "stop" | "none"

/** The state of a partition just assigned in `generation`. */
export const assigned = (generation: number): PartitionState => ({ _tag: "taking-over", generation })

/** The next state, and the action it calls for. */
export const transition = (state: PartitionState, event: PartitionEvent): { readonly state: PartitionState; readonly action: PartitionAction } => {
  if (state._tag === "revoked") return { state, action: "none" }
  switch (event._tag) {
    case "revoked":
      return { state: { _tag: "revoked" }, action: "stop" }
    case "opened":
      return state._tag === "taking-over" ? { state: { _tag: "running", generation: state.generation }, action: "none" } : { state, action: "none" }
    case "halted":
      return { state: { _tag: "halted", generation: state.generation, reason: event.reason }, action: "none" }
    case "confirmed":
      return state._tag === "halted" && event.generation === state.generation
        ? { state: { _tag: "taking-over", generation: state.generation }, action: "take-over" }
        : { state, action: "none" }
  }
}
