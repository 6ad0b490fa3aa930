import { describe, expect, test } from "bun:test"
import { Effect, Result } from "effect"
import { buildSigned, buildSignedBatch, type SignRaw } from "./build-transaction.ts"
import { decodeRawTransaction, encodeUnsignedTransaction } from "./raw-transaction.ts"
import { UtxoBook } from "./utxo-book.ts"

const p2pkh = "76a9145948dc00f336c7bc32bf9c3522f1817610b95a1a88ac"
const changeScript = "76a914c7461e25906a496ca32f1a066c0967e4eb69946d88ac"
const BTC = 100_000_000n
const options = { changeScript }
const txid = (n: number) => n.toString(16).padStart(64, "0")

const bookWith = (...sats: bigint[]) => {
  const book = new UtxoBook()
  book.load(sats.map((satoshis, i) => ({ txid: txid(i + 1), vout: 0, satoshis, scriptPubKey: p2pkh, confirmations: 6, spendable: true })))
  return book
}

/** Signs nothing: answers the unsigned bytes, which decode to the same inputs and outputs (enough for the checks here). */
const echo: SignRaw<never> = (hex) => Effect.succeed(hex)

/** A signer that pays output 0 somewhere else. */
const redirect: SignRaw<never> = (hex) => {
  const tx = Result.getOrThrow(decodeRawTransaction(hex))
  const outputs = tx.outputs.map((o, i) => (i === 0 ? { ...o, scriptPubKey: changeScript } : o))
  return Effect.succeed(encodeUnsignedTransaction({ version: tx.version, inputs: tx.inputs, outputs }))
}

const refuse: SignRaw<string> = () => Effect.fail("wallet locked")

const run = <A, E>(e: Effect.Effect<A, E>) => Effect.runPromise(Effect.result(e))

describe("buildSigned", () => {
  test("reserves the signed transaction, so the next build spends its change", async () => {
    const book = bookWith(5n * BTC)
    const first = Result.getOrThrow(await run(buildSigned(book, [{ satoshis: BTC, scriptPubKey: p2pkh }], 2, options, echo)))
    expect(first.decoded.outputs[0]).toEqual({ vout: 0, satoshis: BTC, scriptPubKey: p2pkh })
    expect(book.pendingTxids()).toEqual([first.txid])
    const second = Result.getOrThrow(await run(buildSigned(book, [{ satoshis: BTC, scriptPubKey: p2pkh }], 2, options, echo)))
    expect(second.plan.inputs.map((c) => c.txid)).toEqual([first.txid])
    expect(second.plan.unconfirmedAncestors).toBe(1)
  })

  test.each([
    ["a signer that changes an output", redirect, "SignedMismatch"],
    ["a signer that refuses", refuse, "wallet locked"],
  ] as const)("%s: nothing is reserved and the inputs are free again", async (_name, sign, failure) => {
    const book = bookWith(5n * BTC)
    const r = await run(buildSigned<string>(book, [{ satoshis: BTC, scriptPubKey: p2pkh }], 2, options, sign))
    expect(Result.isFailure(r) && (typeof r.failure === "string" ? r.failure : r.failure._tag)).toBe(failure)
    expect(book.pendingTxids()).toEqual([])
    expect(book.stats()).toMatchObject({ spendable: 1, held: 0, reserved: 0 })
  })

  test("a plan that cannot be funded fails before signing", async () => {
    const r = await run(buildSigned(bookWith(BTC), [{ satoshis: 2n * BTC, scriptPubKey: p2pkh }], 2, options, echo))
    expect(Result.isFailure(r) && r.failure._tag).toBe("CannotFund")
  })
})

describe("buildSignedBatch", () => {
  test("pays the prefix that fits; payout i is vout i", async () => {
    const book = bookWith(3n * BTC + 100_000n)
    const outputs = [1n, 2n, 3n].map((n) => ({ satoshis: n * BTC, scriptPubKey: p2pkh }))
    const r = Result.getOrThrow(await run(buildSignedBatch(book, outputs, 2, options, echo)))
    expect(r.paid).toEqual([0, 1])
    expect(r.unpaid.map((u) => [u.index, u.error._tag])).toEqual([[2, "CannotFund"]])
    expect(r.signed?.decoded.outputs.slice(0, 2).map((o) => o.satoshis)).toEqual([BTC, 2n * BTC])
  })

  test("nothing payable: no transaction, nothing held", async () => {
    const book = bookWith()
    const r = Result.getOrThrow(await run(buildSignedBatch(book, [{ satoshis: BTC, scriptPubKey: p2pkh }], 2, options, echo)))
    expect(r.signed).toBeUndefined()
    expect(r.unpaid.length).toBe(1)
    expect(book.stats().held).toBe(0)
  })
})
