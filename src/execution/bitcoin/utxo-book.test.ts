import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { decodeRawTransaction, encodeUnsignedTransaction } from "./raw-transaction.ts"
import { recordedSpendOf, UtxoBook, type ListedCoin, type RecordedSpend } from "./utxo-book.ts"

const p2pkh = "76a9145948dc00f336c7bc32bf9c3522f1817610b95a1a88ac"
const changeScript = "76a914c7461e25906a496ca32f1a066c0967e4eb69946d88ac"
const BTC = 100_000_000n
const options = { changeScript }
const txid = (label: string) => Buffer.from(label.padEnd(32, ".")).toString("hex")

const listed = (label: string, satoshis: bigint, confirmations = 1, extra: Partial<ListedCoin> = {}): ListedCoin => ({
  txid: txid(label),
  vout: 0,
  satoshis,
  scriptPubKey: p2pkh,
  confirmations,
  spendable: true,
  ...extra,
})

/** A recorded transaction spending `inputs` with its change at vout 1. */
const spend = (label: string, inputs: readonly { txid: string; vout: number }[], change = 10n * BTC): RecordedSpend => ({
  txid: txid(label),
  inputs,
  vsize: 226,
  change: [{ vout: 1, satoshis: change, scriptPubKey: changeScript }],
})

const label = (id: string) => Buffer.from(id, "hex").toString().replace(/\.+$/, "")

/** The inputs (as label:vout) the book picks for one payout, or why it cannot. */
const chosen = (book: UtxoBook, satoshis = BTC) => {
  const r = book.select([{ satoshis, scriptPubKey: p2pkh }], 2, options)
  if (Result.isSuccess(r)) return r.success.inputs.map((c) => `${label(c.txid)}:${c.vout}`)
  return r.failure._tag === "CannotFund" ? `CannotFund(${r.failure.limitedBy})` : r.failure._tag
}

/** Builds a chain: `a` spends the confirmed coin, each next one spends the change of the one before. */
const chain = (book: UtxoBook, labels: readonly string[], from = { txid: txid("coin"), vout: 0 }) => {
  let input = from
  for (const label of labels) {
    book.reserve(spend(label, [input]))
    input = { txid: txid(label), vout: 1 }
  }
}

describe("UtxoBook", () => {
  test("load keeps confirmed spendable p2pkh/p2wpkh coins and holds back unconfirmed coins it did not make", () => {
    const book = new UtxoBook()
    book.load([
      listed("big", 5n * BTC),
      listed("wit", 7n * BTC, 3, { scriptPubKey: "0014751e76e8199196d454941c45d1b3a323f1433bd6" }),
      listed("fresh", 50n * BTC, 0),
      listed("watch", 50n * BTC, 1, { spendable: false }),
      listed("p2sh", 50n * BTC, 1, { scriptPubKey: "a914751e76e8199196d454941c45d1b3a323f1433bd687" }),
    ])
    expect(book.stats()).toEqual({ spendable: 2, unconfirmedOwn: 0, heldBack: 1, reserved: 0, held: 0 })
    expect(chosen(book)).toEqual(["wit:0"])
    expect(chosen(book, 11n * BTC)).toEqual(["wit:0", "big:0"])
    expect(chosen(book, 13n * BTC)).toBe("CannotFund(funds)")
  })

  test("held inputs are skipped until released", () => {
    const book = new UtxoBook()
    book.load([listed("a", 5n * BTC), listed("b", 3n * BTC)])
    book.hold([{ txid: txid("a"), vout: 0 }])
    expect(chosen(book)).toEqual(["b:0"])
    expect(book.stats().held).toBe(1)
    book.release([{ txid: txid("a"), vout: 0 }])
    expect(chosen(book)).toEqual(["a:0"])
  })

  test("a reserved transaction's inputs are spent and its change is spendable, one ancestor deep", () => {
    const book = new UtxoBook()
    book.load([listed("coin", 50n * BTC)])
    book.hold([{ txid: txid("coin"), vout: 0 }])
    book.reserve(spend("t1", [{ txid: txid("coin"), vout: 0 }]))
    expect(book.stats()).toEqual({ spendable: 1, unconfirmedOwn: 1, heldBack: 0, reserved: 1, held: 0 })
    const r = Result.getOrThrow(book.select([{ satoshis: BTC, scriptPubKey: p2pkh }], 2, options))
    expect(r.inputs.map((c) => c.txid)).toEqual([txid("t1")])
    expect(r.unconfirmedAncestors).toBe(1)
  })

  test("a restored transaction's change is not chosen until the node was asked: spent in a block, it is gone; unspent, it is chosen", () => {
    // An earlier owner recorded `p` unfinished and its child final (not restored), which spent p:1.
    const book = new UtxoBook()
    book.reserve(spend("p", [{ txid: txid("coin"), vout: 0 }]), { checkChange: true })
    book.reserve(spend("q", [{ txid: txid("coin2"), vout: 0 }]), { checkChange: true })
    // r (restored too) spends r0's change: that one needs no asking.
    book.reserve(spend("r0", [{ txid: txid("coin3"), vout: 0 }]), { checkChange: true })
    book.reserve(spend("r", [{ txid: txid("r0"), vout: 1 }]), { checkChange: true })
    book.settleChange({ txid: txid("r"), vout: 1 }, true)
    expect(book.uncheckedChange().map((o) => `${label(o.txid)}:${o.vout}`).sort()).toEqual(["p:1", "q:1"])
    expect(book.hasUncheckedChange()).toBe(true)
    expect(chosen(book)).toBe("CannotFund(funds)")
    book.settleChange({ txid: txid("p"), vout: 1 }, true)
    book.settleChange({ txid: txid("q"), vout: 1 }, false)
    expect(book.uncheckedChange()).toEqual([])
    expect(book.hasUncheckedChange()).toBe(false)
    expect(chosen(book)).toEqual(["q:1"])
    book.hold([{ txid: txid("q"), vout: 1 }])
    expect(chosen(book)).toBe("CannotFund(funds)")
  })

  test("unchecked change goes with its transaction: dropped, or listed by the wallet as a confirmed coin", () => {
    const book = new UtxoBook()
    book.reserve(spend("p", [{ txid: txid("coin"), vout: 0 }]), { checkChange: true })
    book.reserve(spend("q", [{ txid: txid("coin2"), vout: 0 }]), { checkChange: true })
    book.drop(txid("p"))
    // The wallet lists q:1 confirmed and unspent: that settles it.
    book.load([{ ...listed("q", 10n * BTC), vout: 1, scriptPubKey: changeScript }])
    expect(book.uncheckedChange()).toEqual([])
    expect(book.hasUncheckedChange()).toBe(false)
    expect(chosen(book)).toEqual(["q:1"])
  })

  test("a chain of 25 unconfirmed transactions is the limit: the 26th is refused until a block confirms the first", () => {
    const book = new UtxoBook()
    book.load([listed("coin", 50n * BTC)])
    const labels = Array.from({ length: 25 }, (_, i) => `t${i + 1}`)
    chain(book, labels.slice(0, 24))
    expect(Result.getOrThrow(book.select([{ satoshis: BTC, scriptPubKey: p2pkh }], 2, options)).unconfirmedAncestors).toBe(24)
    chain(book, labels.slice(24), { txid: txid("t24"), vout: 1 })
    expect(chosen(book)).toBe("CannotFund(chain-limit)")
    book.confirm(txid("t1"))
    expect(chosen(book)).toEqual(["t25:1"])
    expect(book.ancestorsOf(txid("t25")).size).toBe(23)
  })

  test("a chain of six 17-kvB batches is full by size (101 kvB), long before 25 transactions", () => {
    const book = new UtxoBook()
    book.load([listed("coin", 50n * BTC)])
    let input = { txid: txid("coin"), vout: 0 }
    for (const label of ["b1", "b2", "b3", "b4", "b5"]) {
      book.reserve({ ...spend(label, [input]), vsize: 17_000 })
      input = { txid: txid(label), vout: 1 }
    }
    expect(chosen(book)).toEqual(["b5:1"])
    book.reserve({ ...spend("b6", [input]), vsize: 17_000 })
    expect(chosen(book)).toBe("CannotFund(chain-limit)")
  })

  test("after a restart, records fed in any order give the same ancestors", () => {
    const labels = ["a", "b", "c", "d"]
    const inOrder = new UtxoBook()
    const shuffled = new UtxoBook()
    chain(inOrder, labels)
    const spends = labels.map((l, i) => spend(l, [i === 0 ? { txid: txid("coin"), vout: 0 } : { txid: txid(labels[i - 1]!), vout: 1 }]))
    for (const s of [spends[2]!, spends[0]!, spends[3]!, spends[1]!]) shuffled.reserve(s)
    for (const book of [inOrder, shuffled]) {
      expect(book.ancestorsOf(txid("d"))).toEqual(new Set([txid("a"), txid("b"), txid("c")]))
      expect(book.descendantsOf(txid("a")).length).toBe(3)
      expect(chosen(book)).toEqual(["d:1"])
    }
  })

  test("load confirms a pending transaction whose change it lists as confirmed, and keeps own change it does not list yet", () => {
    const book = new UtxoBook()
    book.load([listed("coin", 50n * BTC)])
    chain(book, ["a", "b"])
    book.load([{ ...listed("a", 10n * BTC), vout: 1, scriptPubKey: changeScript }])
    expect(book.pendingTxids()).toEqual([txid("b")])
    expect(book.ancestorsOf(txid("b")).size).toBe(0)
    expect(chosen(book)).toEqual(["b:1"])
  })

  test("drop removes a conflicted transaction and everything built on it, and forgets their inputs", () => {
    const book = new UtxoBook()
    book.load([listed("coin", 50n * BTC), listed("other", 2n * BTC)])
    chain(book, ["a", "b", "c"])
    expect(book.drop(txid("a"))).toEqual([txid("a"), txid("b"), txid("c")])
    expect(book.pendingTxids()).toEqual([])
    expect(chosen(book)).toEqual(["other:0"])
    expect(book.drop(txid("a"))).toEqual([])
    // The next listing gives back what is still unspent.
    book.load([listed("coin", 50n * BTC), listed("other", 2n * BTC)])
    expect(chosen(book)).toEqual(["coin:0"])
  })

  describe("change fan-out", () => {
    const fanned = { changeScript, fanoutCoins: 16 }
    let next = 0
    /** Selects one 0.001-BTC payout and reserves it as a recorded transaction (a made-up txid); answers the plan, or why there is none. */
    const payOnce = (book: UtxoBook, o: { changeScript: string; fanoutCoins?: number }) => {
      const r = book.select([{ satoshis: 100_000n, scriptPubKey: p2pkh }], 2, o)
      if (Result.isFailure(r)) return r.failure._tag === "CannotFund" ? `CannotFund(${r.failure.limitedBy})` : r.failure._tag
      const id = txid(`f${next++}`)
      book.reserve({ txid: id, inputs: r.success.inputs, vsize: r.success.vsize, change: r.success.change.map((c) => ({ ...c, scriptPubKey: changeScript })) })
      return { txid: id, plan: r.success }
    }
    /** Pays until the book refuses, then a block confirms every pending transaction: how many were paid in each block. */
    const perBlock = (o: { changeScript: string; fanoutCoins?: number }, blocks: number) => {
      const book = new UtxoBook()
      book.load([listed("coin", 50n * BTC)])
      const counts: number[] = []
      for (let b = 0; b < blocks; b++) {
        let paid = 0
        for (let r = payOnce(book, o); typeof r !== "string"; r = payOnce(book, o)) paid++
        expect(payOnce(book, o)).toBe("CannotFund(chain-limit)")
        for (const id of book.pendingTxids()) book.confirm(id)
        counts.push(paid)
      }
      return { counts, coins: book.stats().spendable }
    }

    test("one coin splits into 16; the next 16 payments each take a different piece, one ancestor deep, and split no further", () => {
      const book = new UtxoBook()
      book.load([listed("coin", 50n * BTC)])
      const first = payOnce(book, fanned)
      if (typeof first === "string") throw new Error(first)
      expect(first.plan.change.length).toBe(16)
      expect(book.stats()).toMatchObject({ spendable: 16, unconfirmedOwn: 16 })
      const spent = new Set<string>()
      for (let i = 0; i < 16; i++) {
        const r = payOnce(book, fanned)
        if (typeof r === "string") throw new Error(r)
        expect(r.plan.inputs.length).toBe(1)
        expect(r.plan.inputs[0]?.txid).toBe(first.txid)
        expect(r.plan.unconfirmedAncestors).toBe(1)
        expect(r.plan.change.length).toBe(1)
        spent.add(`${r.plan.inputs[0]?.vout}`)
      }
      expect(spent.size).toBe(16)
      expect(book.stats().spendable).toBe(16)
    })

    test.each([
      // Core's descendant limit: everything in the first block descends from the transaction that spent the one coin.
      ["without fan-out, one coin pays 25 a block", { changeScript }, [25, 25, 25], 1],
      ["with fan-out to 16, the first block is still 25 (one root), then 16 roots pay 25 each", fanned, [25, 400, 400], 16],
    ] as const)("%s", (_name, o, counts, coins) => {
      expect(perBlock(o, 3)).toEqual({ counts: [...counts], coins })
    })

    test("the chain limit holds within a fan-out: the split and 24 descendants, then chain-limit until a block", () => {
      const book = new UtxoBook()
      book.load([listed("coin", 50n * BTC)])
      const root = payOnce(book, fanned)
      if (typeof root === "string") throw new Error(root)
      for (let i = 0; i < 24; i++) expect(typeof payOnce(book, fanned)).toBe("object")
      expect(book.descendantsOf(root.txid).length).toBe(24)
      expect(payOnce(book, fanned)).toBe("CannotFund(chain-limit)")
      book.confirm(root.txid)
      expect(typeof payOnce(book, fanned)).toBe("object")
    })

    test("drop forgets every change output of a split transaction, and what was built on them", () => {
      const book = new UtxoBook()
      book.load([listed("coin", 50n * BTC)])
      const root = payOnce(book, fanned)
      if (typeof root === "string") throw new Error(root)
      payOnce(book, fanned)
      expect(book.drop(root.txid).length).toBe(2)
      expect(book.stats()).toMatchObject({ spendable: 0, unconfirmedOwn: 0, reserved: 0 })
    })
  })

  test("recordedSpendOf reads the inputs, vsize and change of a decoded transaction", () => {
    const hex = encodeUnsignedTransaction({
      inputs: [{ txid: txid("coin"), vout: 0 }],
      outputs: [
        { satoshis: BTC, scriptPubKey: p2pkh },
        { satoshis: 4n * BTC, scriptPubKey: changeScript },
      ],
    })
    const decoded = Result.getOrThrow(decodeRawTransaction(hex))
    expect(recordedSpendOf(decoded, [1])).toEqual({
      txid: decoded.txid,
      inputs: [{ txid: txid("coin"), vout: 0 }],
      vsize: decoded.vsize,
      change: [{ vout: 1, satoshis: 4n * BTC, scriptPubKey: changeScript }],
    })
    expect(recordedSpendOf(decoded).change).toEqual([])
    expect(recordedSpendOf(decoded, [0, 1, 7]).change.map((c) => c.vout)).toEqual([0, 1])
  })
})
