import { describe, expect, test } from "bun:test"
import { cumulativeSeries, onChainRate, steadyRate, tallyPhase } from "./tally.ts"

const at = (pairs: ReadonlyArray<readonly [number, number]>) => new Map(pairs)

describe("tallyPhase", () => {
  test("counts executed, missing and where each request ran first", () => {
    const t = tallyPhase([1n, 2n, 3n], [
      { node: "eth-1", executions: [{ amount: 1n, txHash: "0xa", block: 5 }], blockTimes: at([[5, 100]]) },
      { node: "eth-2", executions: [{ amount: 2n, txHash: "0xb", block: 7 }], blockTimes: at([[7, 101]]) },
    ])
    expect(t).toMatchObject({ expected: 3, executed: 2, missing: 1, duplicated: 0, duplicatedOnOneNode: 0, onSeveralNodes: 0, executions: 2 })
    expect(t.perNode).toEqual({ "eth-1": 1, "eth-2": 1 })
    expect(t.firstExecutionTimes).toEqual([100, 101])
  })

  test("a transaction copied to a second chain is a cross-chain duplicate, first counted where it ran earlier", () => {
    const t = tallyPhase([1n], [
      { node: "eth-1", executions: [{ amount: 1n, txHash: "0xa", block: 9 }], blockTimes: at([[9, 110]]) },
      { node: "eth-2", executions: [{ amount: 1n, txHash: "0xa", block: 3 }], blockTimes: at([[3, 104]]) },
    ])
    expect(t).toMatchObject({ executed: 1, duplicated: 1, duplicatedOnOneNode: 0, onSeveralNodes: 1, executions: 2 })
    expect(t.firstPerNode).toEqual({ "eth-1": 0, "eth-2": 1 })
    expect(t.firstExecutionTimes).toEqual([104])
  })

  test("the same amount twice on one chain is an exactly-once breach; other phases' amounts are ignored", () => {
    const t = tallyPhase([1n, 2n], [
      { node: "eth-1", executions: [{ amount: 1n, txHash: "0xa", block: 1 }, { amount: 1n, txHash: "0xc", block: 2 }, { amount: 99n, txHash: "0xd", block: 2 }, { amount: 2n, txHash: "0xe", block: 2 }], blockTimes: at([[1, 10], [2, 11]]) },
    ])
    expect(t).toMatchObject({ executed: 2, duplicated: 1, duplicatedOnOneNode: 1, onSeveralNodes: 0, executions: 3 })
  })
})

describe("cumulativeSeries and onChainRate", () => {
  test("cumulative first executions per second since the start", () => {
    expect(cumulativeSeries([100, 100, 101, 103], 99_000)).toEqual([[1, 2], [2, 3], [4, 4]])
  })

  test("the steady rate leaves out the first and last tenth", () => {
    // 10 per second for 10 s, then a straggler 20 s later: the straggler does not count.
    const times = [...Array.from({ length: 100 }, (_, i) => 100 + Math.floor(i / 10)), 130]
    expect(steadyRate(times)).toBeCloseTo(10, 0)
    expect(steadyRate([5, 5, 5])).toBeNull()
  })

  test("the rate counts the last block's second", () => {
    expect(onChainRate([100, 100, 101, 103])).toBe(1)
    expect(onChainRate([50, 50])).toBe(2)
    expect(onChainRate([])).toBeNull()
  })
})
