import { describe, expect, test } from "bun:test"
import { seededRandom, zipfMix } from "./zipf.ts"

describe("zipfMix", () => {
  test("the same seed draws the same sequence", () => {
    const a = zipfMix(1000, 1.1, seededRandom(7))
    const b = zipfMix(1000, 1.1, seededRandom(7))
    const draws = (m: typeof a) => Array.from({ length: 20 }, () => m.next())
    expect(draws(a)).toEqual(draws(b))
  })

  test("draws stay in range and follow the law: rank 1 about its share, the top 10 about theirs", () => {
    const mix = zipfMix(1000, 1.1, seededRandom(42))
    const counts = new Array<number>(1000).fill(0)
    const draws = 200_000
    for (let i = 0; i < draws; i++) {
      const k = mix.next()
      expect(k >= 0 && k < 1000).toBe(true)
      counts[k] = (counts[k] ?? 0) + 1
    }
    expect((counts[0] ?? 0) / draws).toBeCloseTo(mix.share(0), 2)
    const top10 = counts.slice(0, 10).reduce((a, b) => a + b, 0) / draws
    const expected = Array.from({ length: 10 }, (_, i) => mix.share(i)).reduce((a, b) => a + b, 0)
    expect(top10).toBeCloseTo(expected, 2)
    expect(mix.share(0)).toBeGreaterThan(0.1)
  })

  test("s = 0 is uniform and the shares add up to one", () => {
    const mix = zipfMix(4, 0, seededRandom(1))
    expect([0, 1, 2, 3].map(mix.share)).toEqual([0.25, 0.25, 0.25, 0.25])
    const skewed = zipfMix(50, 1.1, seededRandom(1))
    expect(Array.from({ length: 50 }, (_, i) => skewed.share(i)).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9)
  })

  test("refuses an empty mix", () => {
    expect(() => zipfMix(0, 1.1, Math.random)).toThrow("n must be")
  })
})
