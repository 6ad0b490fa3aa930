/**
 * Paper B's Table 2 service: each request carries a number and every replica appends it
 * to a list. At the end of the test, every replica's list must equal the list of numbers
 * the client was told succeeded, in the same order.
 */
import type { StateMachine } from "./state-machine.ts"

/** The list of numbers applied so far, in log order. */
export type NumberList = readonly number[]

/** The Table 2 state machine: a payload is one finite number, appended to the list. */
export const numberList: StateMachine<NumberList> = {
  name: "number-list",
  initial: () => [],
  validate: (payload) => (typeof payload === "number" && Number.isFinite(payload) ? undefined : "payload must be a finite number"),
  apply: (state, payload) => (typeof payload === "number" && Number.isFinite(payload) ? [...state, payload] : state),
  encode: (state) => state,
  decode: (json) => (Array.isArray(json) && json.every((n) => typeof n === "number") ? (json as number[]) : undefined),
}
