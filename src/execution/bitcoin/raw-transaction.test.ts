import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { decodeRawTransaction, encodeUnsignedTransaction, finalSequence, type DecodedTransaction } from "./raw-transaction.ts"

/** Signed on the real btcwallet v0.18 / btcd v0.26 (simnet); btcd's decoderawtransaction and sendrawtransaction answered txid 1e3920ed…. */
const legacy =
  "0100000001ed5b631acae44657689c71804c62b7b89d8ad51a27d42af16ab4974dfc907049000000006a47304402205b431c107434fd65f4303e4566d3ce70db5b31f994f1ab313b8527afa9f9f0a502201a500182ca44a9beb82cdf45d5aaf4529ac8784d6d2787fe3bb68b5972a58b1a012102669ecfe8d22a3fec1df5c3e41bb0821b3535116592bd6048931fb589f8df6035ffffffff0200e1f505000000001976a9145948dc00f336c7bc32bf9c3522f1817610b95a1a88acf0e90f24010000001976a914c7461e25906a496ca32f1a066c0967e4eb69946d88ac00000000"

/** BIP-143's native P2WPKH example (one legacy input with no witness, one p2wpkh input); btcd's decoderawtransaction answered txid e8151a2a…. */
const segwit =
  "01000000000102fff7f7881a8099afa6940d42d1e7f6362bec38171ea3edf433541db4e4ad969f00000000494830450221008b9d1dc26ba6a9cb62127b02742fa9d754cd3bebf337f7a55d114c8e5cdd30be022040529b194ba3f9281a99f2b1c0a19c0489bc22ede944ccf4ecbab4cc618ef3ed01eeffffffef51e1b804cc89d182d279655c3aa89e815b1b309fe287d9b2b55d57b90ec68a0100000000ffffffff02202cb206000000001976a9148280b37df378db99f66f85c95a783a76ac7a6d5988ac9093510d000000001976a9143bde42dbee7e4dbe6a21b2d50ce2f0167faa815988ac000247304402203609e17b84f6a7d30c80bfa610b5b4542f32a8a0d5447a12fb1366d7f01cc44a0220573a954c4518331561406f90300e8f3358f51928d43c212a8caed02de67eebee0121025476c2e83188368da1ff3e292e7acafcdb3566bb0ad253f62fc70f07aeee635711000000"

const decoded = (hex: string): DecodedTransaction => Result.getOrThrow(decodeRawTransaction(hex))

describe("decodeRawTransaction", () => {
  test("a legacy transaction: txid, the outpoint it spends, outputs with their vout and satoshis", () => {
    const tx = decoded(legacy)
    expect(tx.txid).toBe("1e3920ed96b935fefce9303cae8a6c8e0df8ad6e9198e9b38f461ce5f7d0ebce")
    expect(tx.segwit).toBe(false)
    expect(tx.version).toBe(1)
    expect(tx.locktime).toBe(0)
    expect(tx.inputs.map(({ txid, vout, sequence }) => ({ txid, vout, sequence }))).toEqual([
      { txid: "497090fc4d97b46af12ad4271ad58a9db8b7624c80719c685746e4ca1a635bed", vout: 0, sequence: finalSequence },
    ])
    expect(tx.outputs).toEqual([
      { vout: 0, satoshis: 100_000_000n, scriptPubKey: "76a9145948dc00f336c7bc32bf9c3522f1817610b95a1a88ac" },
      { vout: 1, satoshis: 4_899_990_000n, scriptPubKey: "76a914c7461e25906a496ca32f1a066c0967e4eb69946d88ac" },
    ])
    expect(tx.size).toBe(legacy.length / 2)
    expect(tx.weight).toBe(4 * tx.size)
    expect(tx.vsize).toBe(tx.size)
  })

  test("a segwit transaction: the txid leaves the witness out, the weight discounts it", () => {
    const tx = decoded(segwit)
    expect(tx.txid).toBe("e8151a2af31c368a35053ddd4bdb285a8595c769a3ad83e0fa02314a602d4609")
    expect(tx.segwit).toBe(true)
    expect(tx.locktime).toBe(17)
    expect(tx.inputs.map((i) => [i.txid, i.vout, i.sequence, i.witness.length])).toEqual([
      ["9f96ade4b41d5433f4eda31e1738ec2b36f6e7d1420d94a6af99801a88f7f7ff", 0, 4294967278, 0],
      ["8ac60eb9575db5b2d987e29f301b5b819ea83a5c6579d282d189cc04b8e151ef", 1, 4294967295, 2],
    ])
    expect(tx.inputs[1]?.witness[1]).toBe("025476c2e83188368da1ff3e292e7acafcdb3566bb0ad253f62fc70f07aeee6357")
    expect(tx.outputs.map((o) => o.satoshis)).toEqual([112_340_000n, 223_450_000n])
    // marker+flag (2 bytes) and the witness section (1 + 1+72+34 bytes) are discounted.
    const stripped = tx.size - 2 - 108
    expect(tx.weight).toBe(3 * stripped + tx.size)
    expect(tx.vsize).toBe(Math.ceil(tx.weight / 4))
  })

  test.each([
    ["odd-length hex", "0100000", "not an even-length hex string"],
    ["not hex", "zz", "not an even-length hex string"],
    ["empty", "", "truncated version"],
    ["no inputs", "0100000000", "no inputs"],
    ["cut in an output", legacy.slice(0, -20), "truncated"],
    ["bytes after the locktime", `${legacy}00`, "1 bytes after the locktime"],
    ["an input count larger than the transaction", "01000000fdff00", "input count 255 larger"],
  ])("refuses %s", (_name, hex, reason) => {
    const r = decodeRawTransaction(hex)
    expect(Result.isFailure(r) && r.failure._tag === "MalformedTransaction" && r.failure.reason).toContain(reason)
  })
})

describe("encodeUnsignedTransaction", () => {
  const inputs = [
    { txid: "497090fc4d97b46af12ad4271ad58a9db8b7624c80719c685746e4ca1a635bed", vout: 0 },
    { txid: "082bea903e0940cff02abe74876e6343a26e80e943e77a6090fab98032ec5ffc", vout: 3, sequence: 0xfffffffd },
  ]
  const outputs = [
    { satoshis: 100_000_000n, scriptPubKey: "76a9145948dc00f336c7bc32bf9c3522f1817610b95a1a88ac" },
    { satoshis: 1n, scriptPubKey: "0014751e76e8199196d454941c45d1b3a323f1433bd6" },
    { satoshis: 2_099_999_999_999_999n, scriptPubKey: "76a9145948dc00f336c7bc32bf9c3522f1817610b95a1a88ac" },
  ]

  test("decodes back to the same inputs and outputs, in order", () => {
    const tx = decoded(encodeUnsignedTransaction({ inputs, outputs }))
    expect(tx.version).toBe(2)
    expect(tx.inputs.map(({ txid, vout, sequence, scriptSig }) => ({ txid, vout, sequence, scriptSig }))).toEqual([
      { ...inputs[0]!, sequence: finalSequence, scriptSig: "" },
      { ...inputs[1]!, sequence: 0xfffffffd, scriptSig: "" },
    ])
    expect(tx.outputs.map(({ satoshis, scriptPubKey }) => ({ satoshis, scriptPubKey }))).toEqual(outputs)
  })

  test("matches btcd's createrawtransaction byte for byte (one input, one output, version 1)", () => {
    // createrawtransaction [[{497090fc…:0}], {SMJ12qn9…: 1}] on btcd v0.26, simnet.
    const fromBtcd =
      "0100000001ed5b631acae44657689c71804c62b7b89d8ad51a27d42af16ab4974dfc9070490000000000ffffffff0100e1f505000000001976a91430f4cce63356b6194bedf7b876784c46ef2a0ba588ac00000000"
    const ours = encodeUnsignedTransaction({
      version: 1,
      inputs: [inputs[0]!],
      outputs: [{ satoshis: 100_000_000n, scriptPubKey: "76a91430f4cce63356b6194bedf7b876784c46ef2a0ba588ac" }],
    })
    expect(ours).toBe(fromBtcd)
  })

  test("uses 3-byte counts from 253 outputs on", () => {
    const many = Array.from({ length: 300 }, (_, i) => ({ satoshis: BigInt(1000 + i), scriptPubKey: outputs[0]!.scriptPubKey }))
    const tx = decoded(encodeUnsignedTransaction({ inputs, outputs: many }))
    expect(tx.outputs.length).toBe(300)
    expect(tx.outputs[299]).toEqual({ vout: 299, satoshis: 1299n, scriptPubKey: outputs[0]!.scriptPubKey })
  })
})
