import { describe, expect, test } from "bun:test"
import { followStep, type FollowerSettings, type FollowerState, initialFollower, logId, type Positioned, scanRange } from "./event-follower.ts"

interface Ev extends Positioned {
  readonly name: string
}
const ev = (name: string, blockNumber: number, blockHash = `0xb${blockNumber}`, logIndex = 0, removed = false): Ev => ({ name, blockNumber, blockHash, logIndex, removed })

/** Runs scans in order, as the watcher would, and collects `kind:name` changes. */
const run = (settings: FollowerSettings, chain: ReadonlyArray<{ readonly head: number; readonly logs: readonly Ev[] }>, start = 0) => {
  let state: FollowerState<Ev> = initialFollower(start)
  const seen: string[][] = []
  for (const { head, logs } of chain) {
    const { fromBlock } = scanRange(state, head, settings)
    const inRange = logs.filter((l) => l.blockNumber >= fromBlock && l.blockNumber <= head)
    const r = followStep(state, { fromBlock, head, logs: inRange }, settings)
    state = r.state
    seen.push(r.changes.map((c) => `${c.kind}:${c.event.name}`))
  }
  return { seen, state }
}

describe("event follower", () => {
  test("with 1 confirmation a mined log is delivered confirmed at once, and only once", () => {
    const logs = [ev("a", 3), ev("b", 4)]
    const { seen } = run({ confirmations: 1, reorgDepth: 5 }, [{ head: 3, logs }, { head: 4, logs }, { head: 5, logs }])
    expect(seen).toEqual([["confirmed:a"], ["confirmed:b"], []])
  })

  test("with 3 confirmations a log is seen first and confirmed two blocks later", () => {
    const logs = [ev("a", 10)]
    const { seen } = run({ confirmations: 3, reorgDepth: 5 }, [{ head: 10, logs }, { head: 11, logs }, { head: 12, logs }, { head: 13, logs }], 8)
    expect(seen).toEqual([["seen:a"], [], ["confirmed:a"], []])
  })

  test("a log whose block was replaced by a reorg is retracted, and the re-mined one delivered", () => {
    const before = [ev("a", 5, "0xold")]
    const after = [ev("a'", 5, "0xnew")]
    const { seen } = run({ confirmations: 1, reorgDepth: 4 }, [{ head: 5, logs: before }, { head: 6, logs: after }])
    expect(seen).toEqual([["confirmed:a"], ["removed:a", "confirmed:a'"]])
  })

  test("a log reported removed is retracted; one dropped by a shorter chain too", () => {
    const { seen } = run({ confirmations: 1, reorgDepth: 4 }, [
      { head: 5, logs: [ev("a", 4), ev("b", 5)] },
      { head: 6, logs: [ev("a", 4, "0xb4", 0, true), ev("b", 5)] },
      { head: 4, logs: [] },
    ])
    expect(seen).toEqual([["confirmed:a", "confirmed:b"], ["removed:a"], ["removed:b"]])
  })

  test("an unconfirmed log that disappears is retracted before it was ever confirmed", () => {
    const { seen } = run({ confirmations: 2, reorgDepth: 4 }, [{ head: 7, logs: [ev("a", 7)] }, { head: 8, logs: [] }], 6)
    expect(seen).toEqual([["seen:a"], ["removed:a"]])
  })

  test("logs below the reorg window become final: forgotten, never delivered again", () => {
    const logs = [ev("a", 2)]
    const { seen, state } = run({ confirmations: 1, reorgDepth: 3 }, [{ head: 2, logs }, { head: 9, logs }, { head: 3, logs }])
    expect(seen).toEqual([["confirmed:a"], [], []])
    expect(state.known.size).toBe(0)
    expect(state.final).toContain(logId(ev("a", 2)))
  })

  test("two logs of one block are delivered in log order", () => {
    const { seen } = run({ confirmations: 1, reorgDepth: 3 }, [{ head: 4, logs: [ev("second", 4, "0xb4", 1), ev("first", 4, "0xb4", 0)] }])
    expect(seen).toEqual([["confirmed:first", "confirmed:second"]])
  })

  test("the scan starts at the start block, then rescans the reorg window and the unconfirmed blocks", () => {
    const settings = { confirmations: 3, reorgDepth: 4 }
    const s0 = initialFollower<Ev>(100)
    expect(scanRange(s0, 150, settings)).toEqual({ fromBlock: 100, toBlock: 150 })
    const s1 = followStep(s0, { fromBlock: 100, head: 150, logs: [] }, settings).state
    expect(s1.confirmedTo).toBe(148)
    expect(scanRange(s1, 151, settings)).toEqual({ fromBlock: 147, toBlock: 151 })
  })
})
