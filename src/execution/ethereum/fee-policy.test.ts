import { describe, expect, test } from "bun:test"
import { bumpedFees, freshFees, includable, raisedBy } from "./fee-policy.ts"

const gwei = 1_000_000_000n
const settings = { feeCap: 500n * gwei, tipCap: 2n * gwei, bumpPercent: 12.5 }

describe("fee policy", () => {
  test.each([
    { name: "twice the base fee plus the suggested tip", baseFee: 10n * gwei, suggestedTip: gwei, maxFee: 21n * gwei, tip: gwei },
    { name: "the tip is capped", baseFee: 10n * gwei, suggestedTip: 9n * gwei, maxFee: 22n * gwei, tip: 2n * gwei },
    { name: "the max fee is capped", baseFee: 400n * gwei, suggestedTip: gwei, maxFee: 500n * gwei, tip: gwei },
    { name: "a zero base fee still pays the tip", baseFee: 0n, suggestedTip: gwei, maxFee: gwei, tip: gwei },
  ])("fresh: $name", ({ baseFee, suggestedTip, maxFee, tip }) => {
    expect(freshFees({ baseFee, suggestedTip }, settings)).toEqual({ maxFee, tip })
  })

  test.each([
    [100n, 10, 110n],
    [100n, 12.5, 113n],
    [1n, 10, 2n],
    [0n, 10, 1n],
    [21n * gwei, 10, 23_100_000_000n],
  ])("raisedBy(%p, %p%%) = %p", (value, percent, expected) => {
    expect(raisedBy(value, percent)).toBe(expected)
  })

  test("a bump raises both fees by at least the minimum", () => {
    const current = { maxFee: 20n * gwei, tip: gwei }
    const out = bumpedFees(current, { baseFee: gwei, suggestedTip: gwei }, settings)
    expect(out).toEqual({ _tag: "bumped", fees: { maxFee: 22_500_000_000n, tip: 1_125_000_000n } })
  })

  test("a bump follows a base fee that rose past the old max fee", () => {
    const current = { maxFee: 3n * gwei, tip: gwei }
    const out = bumpedFees(current, { baseFee: 50n * gwei, suggestedTip: gwei }, settings)
    expect(out._tag === "bumped" && out.fees.maxFee).toBe(101n * gwei)
    expect(out._tag === "bumped" && includable(out.fees, 50n * gwei)).toBe(true)
  })

  test("a base fee above the cap: the bump offers the cap itself, and the next one is refused", () => {
    const first = bumpedFees({ maxFee: 3n * gwei, tip: gwei }, { baseFee: 300n * gwei, suggestedTip: gwei }, settings)
    expect(first).toEqual({ _tag: "bumped", fees: { maxFee: 500n * gwei, tip: 1_125_000_000n } })
    if (first._tag === "bumped") expect(bumpedFees(first.fees, { baseFee: 300n * gwei, suggestedTip: gwei }, settings)).toEqual({ _tag: "capped" })
  })

  test("a bump that would pass the cap is refused", () => {
    expect(bumpedFees({ maxFee: 480n * gwei, tip: gwei }, { baseFee: gwei, suggestedTip: gwei }, settings)).toEqual({ _tag: "capped" })
  })

  test("over a grid of fees and markets: a bump raises both fees by the minimum, stays within the caps, or is refused only when the cap leaves no room", () => {
    const amounts = [0n, 1n, gwei, 3n * gwei, 40n * gwei, 300n * gwei, 450n * gwei, 499n * gwei]
    const caps = [settings, { ...settings, tipCap: 900n * gwei }, { ...settings, feeCap: 20n * gwei }]
    let bumped = 0
    for (const s of caps)
      for (const maxFee of amounts)
        for (const tip of amounts.filter((t) => t <= maxFee))
          for (const baseFee of amounts)
            for (const suggestedTip of [...amounts, 600n * gwei]) {
              const out = bumpedFees({ maxFee, tip }, { baseFee, suggestedTip }, s)
              const leastTip = raisedBy(tip, s.bumpPercent)
              const leastMax = raisedBy(maxFee, s.bumpPercent)
              if (out._tag === "capped") {
                expect(leastMax > s.feeCap || leastTip > s.feeCap).toBe(true)
                continue
              }
              bumped += 1
              const f = out.fees
              expect(f.maxFee).toBeLessThanOrEqual(s.feeCap)
              expect(f.tip).toBeLessThanOrEqual(f.maxFee)
              expect(f.maxFee).toBeGreaterThanOrEqual(leastMax)
              expect(f.tip).toBeGreaterThanOrEqual(leastTip)
              // Never below what a fresh transaction would offer now.
              expect(f.maxFee).toBeGreaterThanOrEqual(freshFees({ baseFee, suggestedTip }, s).maxFee)
            }
    expect(bumped).toBeGreaterThan(100)
  })

  test("includable compares the max fee with the base fee", () => {
    expect(includable({ maxFee: 10n, tip: 1n }, 10n)).toBe(true)
    expect(includable({ maxFee: 9n, tip: 1n }, 10n)).toBe(false)
  })
})
