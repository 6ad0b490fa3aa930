import { describe, expect, test } from "bun:test"
import { type BalanceAt, type CheckedAnswer, judgeAnswers, nearbyOffsets, startAnswerChecker } from "./answer-check.ts"
import type { SampledAnswer } from "./read-storm.ts"

const sample = (balance: string, block: number | null, cache = "hit"): SampledAnswer => ({ address: "0xab", balance, block, headAtAsk: 10, at: 0, cache })

describe("judgeAnswers", () => {
  test("right, wrong and uncheckable answers are told apart, and the node's own changes counted", () => {
    const checked: ReadonlyArray<CheckedAnswer> = [
      { sample: sample("5", 9), truth: "5", early: "5" },
      { sample: sample("5", 9, "miss"), truth: "6", early: "6", answerIsFor: 8 },
      { sample: sample("7", 9), truth: "8", early: "7" },
      { sample: sample("5", null), truth: null, early: null, why: "no block named" },
      { sample: sample("5", 8), truth: null, early: null, why: "node: header not found" },
    ]
    expect(judgeAnswers(checked)).toEqual({
      sampled: 5,
      checked: 3,
      mismatches: 2,
      mismatchesTheNodeGaveToo: 1,
      nodeChangedItsAnswer: 1,
      unchecked: 2,
      examples: [
        { address: "0xab", block: 9, answered: "5", truth: "6", early: "6", answerIsFor: 8, headAtAsk: 10, at: 0, cache: "miss" },
        { address: "0xab", block: 9, answered: "7", truth: "8", early: "7", answerIsFor: null, headAtAsk: 10, at: 0, cache: "hit" },
      ],
      uncheckedReasons: { "no block named": 1, "node: header not found": 1 },
    })
  })

  test("nearby blocks are tried closest first, after then before", () => {
    expect(nearbyOffsets(2)).toEqual([1, -1, 2, -2])
  })

  test("nothing sampled: nothing wrong, nothing checked", () => {
    expect(judgeAnswers([])).toMatchObject({ sampled: 0, checked: 0, mismatches: 0, unchecked: 0 })
  })
})

describe("startAnswerChecker", () => {
  test("asks early a few at a time, again at the end, and finds the block a wrong answer was for", async () => {
    let running = 0
    let peak = 0
    let settled = false
    // Block 3 reads 30 early and 31 once settled; every other block n reads n * 10.
    const ask: BalanceAt = async (_url, _address, block) => {
      running++
      if (!settled) peak = Math.max(peak, running)
      await new Promise((done) => setTimeout(done, block === 1 ? 15 : 2))
      running--
      return { balance: String(block === 3 && settled ? 31 : block * 10) }
    }
    const checker = startAnswerChecker("http://node", 2, ask)
    for (const [balance, block] of [["10", 1], ["20", 2], ["30", 3], ["40", 5]] as const) checker.push(sample(balance, block))
    await new Promise((done) => setTimeout(done, 40))
    settled = true
    const checked = await checker.finish()
    expect(checked.map((c) => [c.sample.block, c.early, c.truth, c.answerIsFor])).toEqual([
      [1, "10", "10", undefined],
      [2, "20", "20", undefined],
      [3, "30", "31", null],
      [5, "50", "50", 4],
    ])
    expect(peak).toBe(2)
    expect(judgeAnswers(checked)).toMatchObject({ mismatches: 2, mismatchesTheNodeGaveToo: 1, nodeChangedItsAnswer: 1 })
  })

  test("finishing with nothing pushed returns at once", async () => {
    expect(await startAnswerChecker("http://node").finish()).toEqual([])
  })
})
