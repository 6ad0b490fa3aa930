import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { preferenceOrder, selectCoins, selectPrefix, type Candidate, type SelectionOptions } from "./coin-selection.ts"

const pay = "76a9145948dc00f336c7bc32bf9c3522f1817610b95a1a88ac"
const changeScript = "76a914c7461e25906a496ca32f1a066c0967e4eb69946d88ac"
const options: SelectionOptions = { changeScript }
const BTC = 100_000_000n

const txid = (n: number) => n.toString(16).padStart(64, "0")

/** A confirmed coin. */
const confirmed = (n: number, satoshis: bigint): Candidate => ({
  coin: { txid: txid(n), vout: 0, satoshis, scriptPubKey: pay, kind: "p2pkh" },
  ancestors: new Map(),
})

/**
 * Change of an unconfirmed chain: `depth` unconfirmed transactions of `vsize` each, each
 * spending the one before; the root may have `extraDescendants` more outside the chain.
 */
const chainChange = (n: number, satoshis: bigint, depth: number, vsize = 226, extraDescendants = 0): Candidate => {
  const ids = Array.from({ length: depth }, (_, i) => `chain${n}-${i}`)
  const member = (i: number) => {
    const descendants = depth - i + (i === 0 ? extraDescendants : 0)
    return { vsize, descendants, descendantsVsize: descendants * vsize }
  }
  return {
    coin: { txid: ids[depth - 1] ?? txid(n), vout: 1, satoshis, scriptPubKey: changeScript, kind: "p2pkh" },
    ancestors: new Map(ids.map((id, i) => [id, member(i)])),
  }
}

const out = (satoshis: bigint, scriptPubKey = pay) => ({ satoshis, scriptPubKey })
const sorted = (cs: Candidate[]) => [...cs].sort(preferenceOrder)
const plan = (cs: Candidate[], outputs = [out(BTC)], rate = 2, o: SelectionOptions = options) => selectCoins(sorted(cs), outputs, rate, o)

describe("selectCoins", () => {
  test("one coin, change above dust, appended last; the fee is the estimated vsize at the rate, rounded up", () => {
    const r = Result.getOrThrow(plan([confirmed(1, 50n * BTC)], [out(BTC)], 2.5))
    expect(r.vsize).toBe(226)
    expect(r.fee).toBe(565n)
    expect(r.change).toEqual([{ vout: 1, satoshis: 49n * BTC - 565n }])
    expect(r.outputs).toEqual([out(BTC), { satoshis: 49n * BTC - 565n, scriptPubKey: changeScript }])
    expect(r.unconfirmedAncestors).toBe(0)
  })

  test("a remainder below the change's dust threshold goes to the fee", () => {
    // no change: 1 in, 1 out = 192 vB → 384 sat at 2 sat/vB; a change output would cost 68 more and be dust.
    const r = Result.getOrThrow(plan([confirmed(1, BTC + 384n + 500n)]))
    expect(r.change).toEqual([])
    expect(r.outputs).toEqual([out(BTC)])
    expect(r.fee).toBe(884n)
    expect(r.vsize).toBe(192)
  })

  test.each([
    ["the largest confirmed coin first", [confirmed(1, 2n * BTC), confirmed(2, 9n * BTC), confirmed(3, 5n * BTC)], [txid(2)]],
    ["confirmed before a larger unconfirmed change", [chainChange(1, 40n * BTC, 1), confirmed(2, 2n * BTC)], [txid(2)]],
    ["the shallower unconfirmed change first", [chainChange(1, 40n * BTC, 5), chainChange(2, 3n * BTC, 2)], ["chain2-1"]],
    ["several coins when one is not enough", [confirmed(1, BTC / 2n), confirmed(2, BTC / 2n), confirmed(3, BTC / 4n)], [txid(1), txid(2), txid(3)]],
  ] as const)("prefers %s", (_name, cs, expected) => {
    const r = Result.getOrThrow(plan([...cs]))
    expect(r.inputs.map((c) => c.txid)).toEqual([...expected])
  })

  test("an unconfirmed change 24 deep may be spent (25 with the new one), 25 deep may not", () => {
    expect(Result.getOrThrow(plan([chainChange(1, 10n * BTC, 24)])).unconfirmedAncestors).toBe(24)
    const r = plan([chainChange(1, 10n * BTC, 25)])
    expect(Result.isFailure(r) && r.failure).toMatchObject({ _tag: "CannotFund", limitedBy: "chain-limit" })
  })

  test("an ancestor that already has 24 descendants takes no more", () => {
    const r = plan([chainChange(1, 10n * BTC, 2, 226, 23)])
    expect(Result.isFailure(r) && r.failure).toMatchObject({ _tag: "CannotFund", limitedBy: "chain-limit" })
  })

  test.each([
    ["ancestors of 100,000 vB in all: a 226-vB child passes 101,000", 4, 25_000, true],
    ["ancestors of 101,000 vB: no room for a child", 4, 25_250, false],
    ["six 17-kvB batches: the seventh would pass 101 kvB", 6, 17_000, false],
    ["five 17-kvB batches: a sixth fits", 5, 17_000, true],
  ] as const)("the chain's size counts too: %s", (_name, depth, vsize, ok) => {
    const r = plan([chainChange(1, 10n * BTC, depth, vsize)])
    if (ok) expect(Result.isSuccess(r)).toBe(true)
    else expect(Result.isFailure(r) && r.failure).toMatchObject({ _tag: "CannotFund", limitedBy: "chain-limit" })
  })

  test("two chains together count their ancestors together", () => {
    const r = plan([chainChange(1, BTC / 2n, 13), chainChange(2, BTC / 2n + 1000n, 12)])
    expect(Result.isFailure(r) && r.failure).toMatchObject({ _tag: "CannotFund", limitedBy: "chain-limit" })
    const ok = Result.getOrThrow(plan([chainChange(1, BTC / 2n, 12), chainChange(2, BTC / 2n + 1000n, 12)]))
    expect(ok.unconfirmedAncestors).toBe(24)
  })

  test.each([
    ["not enough coins", [confirmed(1, BTC / 2n)], options, { _tag: "CannotFund", limitedBy: "funds", gathered: BTC / 2n }],
    ["more inputs than allowed", Array.from({ length: 5 }, (_, i) => confirmed(i + 1, BTC / 4n)), { ...options, maxInputs: 4 }, { _tag: "CannotFund", limitedBy: "max-inputs", gathered: BTC }],
  ] as const)("fails with %s", (_name, cs, o, expected) => {
    const r = plan([...cs], [out(BTC)], 2, o)
    expect(Result.isFailure(r) && r.failure).toMatchObject(expected)
  })

  test("names a dust output", () => {
    const r = plan([confirmed(1, 10n * BTC)], [out(BTC), out(545n)])
    expect(Result.isFailure(r) && r.failure).toMatchObject({ _tag: "DustOutput", index: 1, satoshis: 545n, threshold: 546n })
  })

  test("outputs beyond the standard weight are too large", () => {
    const many = Array.from({ length: 3000 }, () => out(1000n))
    const r = plan([confirmed(1, 10n * BTC)], many)
    expect(Result.isFailure(r) && r.failure).toMatchObject({ _tag: "TooLarge", maxWeight: 400_000 })
  })
})

describe("selectCoins: change fan-out", () => {
  const fan = (fanoutCoins: number, extra: Partial<SelectionOptions> = {}): SelectionOptions => ({ ...options, fanoutCoins, ...extra })
  /** One 1-in/1-out payment's fee at 2 sat/vB with one change output (226 vB). */
  const fee1 = 452n
  const floorOf = (payment: bigint) => 25n * (payment + fee1)

  test.each([
    // name, coins (sats; the first is the largest), payment, target, change outputs expected
    ["one 50-BTC coin, target 16: sixteen change outputs", [50n * BTC], 100_000n, 16, 16],
    ["one coin, no target: one change output, as before", [50n * BTC], 100_000n, 1, 1],
    ["ten other coins left, target 16: six", [50n * BTC, ...Array.from({ length: 10 }, () => BTC)], 100_000n, 16, 6],
    ["sixteen other coins left: no split", [50n * BTC, ...Array.from({ length: 16 }, () => BTC)], 100_000n, 16, 1],
    ["1 BTC paying 0.01: room for three pieces of 25 payments each, not four", [BTC], 1_000_000n, 16, 3],
    ["just under two pieces' floor: one change output", [2n * floorOf(1_000_000n) + 1_000_000n], 1_000_000n, 16, 1],
    ["exactly two pieces' floor plus the bigger fee: two", [2n * floorOf(1_000_000n) + 1_000_000n + 520n], 1_000_000n, 16, 2],
  ] as const)("%s", (_name, sats, payment, target, pieces) => {
    const r = Result.getOrThrow(plan(sats.map((s, i) => confirmed(i + 1, s)), [out(payment)], 2, fan(target)))
    expect(r.change.length).toBe(pieces)
    expect(r.change.map((c) => c.vout)).toEqual(Array.from({ length: pieces }, (_, i) => i + 1))
    expect(r.outputs.slice(1)).toEqual(r.change.map((c) => ({ satoshis: c.satoshis, scriptPubKey: changeScript })))
    // 10 vB overhead, one 148-vB input, 34 vB per output; the fee is that at 2 sat/vB.
    expect(r.vsize).toBe(10 + 148 + 34 * (1 + pieces))
    expect(r.fee).toBe(BigInt(2 * r.vsize))
    const gathered = r.inputs.reduce((a, c) => a + c.satoshis, 0n)
    expect(r.change.reduce((a, c) => a + c.satoshis, 0n)).toBe(gathered - payment - r.fee)
  })

  test.each([
    ["1 BTC paying 0.001", BTC, 100_000n],
    ["1 BTC paying 0.0001", BTC, 10_000n],
    ["0.05 BTC paying 546 sat (dust threshold)", 5_000_000n, 546n],
    ["50 BTC paying 1 BTC", 50n * BTC, BTC],
    ["0.003 BTC paying 0.0001", 300_000n, 10_000n],
  ] as const)("pieces never fall below 25 payments with their fee, nor below dust: %s", (_name, coin, payment) => {
    const r = Result.getOrThrow(plan([confirmed(1, coin)], [out(payment)], 2, fan(64)))
    const pieces = r.change.map((c) => c.satoshis)
    if (pieces.length > 1) for (const p of pieces) expect(p).toBeGreaterThanOrEqual(floorOf(payment))
    for (const p of pieces) expect(p).toBeGreaterThanOrEqual(546n)
    // The pieces are equal; the last takes the odd satoshis.
    expect(new Set(pieces.slice(0, -1)).size).toBeLessThanOrEqual(1)
  })

  test("the split stays within the chain's size: 100,600 vB of ancestors leave room for 400 vB, six pieces", () => {
    const r = Result.getOrThrow(plan([chainChange(1, 10n * BTC, 4, 25_150)], [out(100_000n)], 2, fan(16)))
    expect(r.change.length).toBe(6)
    expect(r.vsize).toBe(192 + 34 * 6)
  })

  test("the split stays within the standard weight", () => {
    const r = Result.getOrThrow(plan([confirmed(1, 50n * BTC)], [out(100_000n)], 2, fan(16, { maxWeight: 4 * (192 + 34 * 5) })))
    expect(r.change.length).toBe(5)
  })

  test("a batch's change is split after its payouts, each piece 25 batches' worth", () => {
    const payouts = [out(BTC), out(BTC), out(BTC)]
    const r = selectPrefix(sorted([confirmed(1, 50n * BTC)]), payouts, 2, fan(16))
    expect(r.paid).toEqual([0, 1, 2])
    // 25 × (3 BTC + fee) is 75 BTC: no room for two pieces of a 50-BTC coin.
    expect(r.plan?.change.map((c) => c.vout)).toEqual([3])
    const small = selectPrefix(sorted([confirmed(1, 50n * BTC)]), [out(1_000_000n), out(1_000_000n)], 2, fan(16))
    expect(small.plan?.change.map((c) => c.vout)).toEqual(Array.from({ length: 16 }, (_, i) => i + 2))
  })
})

describe("selectPrefix", () => {
  const outputs = [out(BTC), out(BTC), out(BTC), out(BTC), out(BTC)]

  test("pays the longest prefix the coins fund and fails the rest as insufficient funds", () => {
    const r = selectPrefix(sorted([confirmed(1, 2n * BTC), confirmed(2, BTC + 10_000n)]), outputs, 2, options)
    expect(r.paid).toEqual([0, 1, 2])
    expect(r.plan?.outputs.slice(0, 3)).toEqual(outputs.slice(0, 3))
    expect(r.plan?.change.map((c) => c.vout)).toEqual([3])
    expect(r.unpaid.map((u) => [u.index, u.error._tag])).toEqual([[3, "CannotFund"], [4, "CannotFund"]])
  })

  test("a dust payout fails alone; the ones after it are still paid", () => {
    const r = selectPrefix(sorted([confirmed(1, 10n * BTC)]), [out(BTC), out(100n), out(BTC)], 2, options)
    expect(r.paid).toEqual([0, 2])
    expect(r.plan?.outputs.slice(0, 2)).toEqual([out(BTC), out(BTC)])
    expect(r.unpaid.map((u) => [u.index, u.error._tag])).toEqual([[1, "DustOutput"]])
  })

  test("nothing payable: no plan, every payout unpaid", () => {
    const r = selectPrefix([], outputs.slice(0, 2), 2, options)
    expect(r.plan).toBeUndefined()
    expect(r.paid).toEqual([])
    expect(r.unpaid.map((u) => u.index)).toEqual([0, 1])
  })

  test("a batch past the weight limit is cut where it no longer fits", () => {
    const many = Array.from({ length: 3000 }, () => out(1000n))
    const r = selectPrefix(sorted([confirmed(1, 10n * BTC)]), many, 1, options)
    expect(r.paid.length).toBe(2935)
    expect(r.unpaid[0]?.error._tag).toBe("TooLarge")
    expect(r.plan!.vsize).toBeLessThanOrEqual(100_000)
  })
})
