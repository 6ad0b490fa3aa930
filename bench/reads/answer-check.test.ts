import { describe, expect, test } from "bun:test"
import { type CheckedAnswer, judgeAnswers, nearbyOffsets, startAnswerChecker } from "./answer-check.ts"
import type { SampledAnswer } from "./read-storm.ts"

const sample = (balance: string, block: number | null, cache = "hit"): SampledAnswer => ({ address: "0xab", balance, block, headAtAsk: 10, at: 0, cache })

describe("judgeAnswers", () => {
  test("right, wrong and uncheckable answers are told apart", () => {
    const checked: ReadonlyArray<CheckedAnswer> = [
      { sample: sample("5", 9), truth: "5" },
      { sample: sample("5", 9, "miss"), truth: "6", answerIsFor: 8 },
      { sample: sample("5", null), truth: null, why: "no block named" },
      { sample: sample("5", 8), truth: null, why: "node: header not found" },
    ]
    expect(judgeAnswers(checked)).toEqual({
      sampled: 4,
      checked: 2,
      mismatches: 1,
      unchecked: 2,
      examples: [{ address: "0xab", block: 9, answered: "5", truth: "6", answerIsFor: 8, headAtAsk: 10, at: 0, cache: "miss" }],
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
  test("checks samples as they come, a few at a time, and returns them in the order pushed", async () => {
    let running = 0
    let peak = 0
    const checker = startAnswerChecker("http://node", 2, async (_url, s) => {
      running++
      peak = Math.max(peak, running)
      await new Promise((done) => setTimeout(done, s.block === 1 ? 15 : 2))
      running--
      return { sample: s, truth: s.balance }
    })
    for (const block of [1, 2, 3, 4]) checker.push(sample(String(block), block))
    const checked = await checker.finish()
    expect(checked.map((c) => c.sample.block)).toEqual([1, 2, 3, 4])
    expect(peak).toBe(2)
    expect(judgeAnswers(checked).mismatches).toBe(0)
  })

  test("finishing with nothing pushed returns at once", async () => {
    expect(await startAnswerChecker("http://node").finish()).toEqual([])
  })
})
