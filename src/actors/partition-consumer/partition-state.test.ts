import { describe, expect, test } from "bun:test"
import { assigned, transition, type PartitionAction, type PartitionEvent, type PartitionState } from "./partition-state.ts"

const running: PartitionState = { _tag: "running", generation: 3 }
const halted: PartitionState = { _tag: "halted", generation: 3, reason: "fenced" }

describe("partition state", () => {
  test.each<[string, PartitionState, PartitionEvent, PartitionState["_tag"], PartitionAction]>([
    ["a takeover that opened runs", assigned(3), { _tag: "opened" }, "running", "none"],
    ["a fenced executor halts and waits", running, { _tag: "halted", reason: "fenced" }, "halted", "none"],
    ["a heartbeat of the same generation confirms: take over again", halted, { _tag: "confirmed", generation: 3 }, "taking-over", "take-over"],
    ["a heartbeat of an older generation confirms nothing", halted, { _tag: "confirmed", generation: 2 }, "halted", "none"],
    ["a heartbeat while running changes nothing", running, { _tag: "confirmed", generation: 3 }, "running", "none"],
    ["revoked while running: stop", running, { _tag: "revoked" }, "revoked", "stop"],
    ["revoked while halted: stop", halted, { _tag: "revoked" }, "revoked", "stop"],
    ["revoked twice is safe", { _tag: "revoked" }, { _tag: "revoked" }, "revoked", "none"],
    ["nothing revives a revoked partition", { _tag: "revoked" }, { _tag: "confirmed", generation: 3 }, "revoked", "none"],
  ])("%s", (_name, state, event, next, action) => {
    const out = transition(state, event)
    expect(out.state._tag).toBe(next)
    expect(out.action).toBe(action)
  })
})
