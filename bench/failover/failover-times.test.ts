import { describe, expect, test } from "bun:test"
import { failoversOf } from "./failover-times.ts"
import type { RequestRecord } from "./request-record.ts"

const ack = (doneAtMs: number, node: string, client = "c"): RequestRecord => ({
  client, seq: 0, requestId: "r", number: 1, sentAtMs: doneAtMs - 5, doneAtMs, outcome: "ok", ok: true, index: 1, node, attempts: 1, duplicate: false,
})

describe("failoversOf", () => {
  test("a cut leader's failover runs from the cut to the new leader's election and first acknowledgement", () => {
    const f = failoversOf(
      [
        { node: "n1", epoch: 5, fromMs: 0, untilMs: 43_000 },
        { node: "n4", epoch: 9, fromMs: 43_100, untilMs: undefined },
      ],
      [{ index: 1, node: "n1", leaderAtCut: "n1", startMs: 40_000, endMs: 60_000 }],
      [ack(39_000, "n1"), ack(44_000, "n4"), ack(45_000, "n4")],
    )
    expect(f).toEqual([{ atMs: 43_100, from: "n1", to: "n4", cause: "leader cut", fromMs: 40_000, electedMs: 3100, servingMs: 4000, servingByClient: { c: 4000 } }])
  })

  test("a change without a cut of the leader runs from when the old leader was last seen; no acknowledgement leaves serving open", () => {
    const f = failoversOf(
      [
        { node: "n1", epoch: 5, fromMs: 0, untilMs: 10_000 },
        { node: "n2", epoch: 9, fromMs: 10_500, untilMs: undefined },
      ],
      [{ index: 1, node: "n3", leaderAtCut: "n1", startMs: 9_000, endMs: 29_000 }],
      [],
    )
    expect(f).toEqual([{ atMs: 10_500, from: "n1", to: "n2", cause: "other", fromMs: 10_000, electedMs: 500, servingMs: undefined, servingByClient: {} }])
  })

  test("each client is served again at its own first acknowledgement by the new leader; one that got none is open", () => {
    const f = failoversOf(
      [
        { node: "n1", epoch: 5, fromMs: 0, untilMs: 22_000 },
        { node: "n2", epoch: 9, fromMs: 21_000, untilMs: undefined },
      ],
      [{ index: 1, node: "n1", leaderAtCut: "n1", startMs: 20_000, endMs: 40_000 }],
      [ack(19_000, "n1", "paper"), ack(19_500, "n1", "never"), ack(21_200, "n2", "sdk"), ack(23_000, "n2", "paper"), ack(21_900, "n2", "sdk")],
    )
    expect(f.map((x) => [x.servingMs, x.servingByClient])).toEqual([[1200, { paper: 3000, never: undefined, sdk: 1200 }]])
  })
})
