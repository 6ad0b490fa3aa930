import { describe, expect, test } from "bun:test"
import { validateBatch } from "../../src/intake/validate/validate-request.ts"
import { sampleAddresses } from "../../src/intake/validate/sample-addresses.ts"
import { freshKeys } from "../lib/fresh-keys.ts"
import { btcPaymentBodies, ethTransferBodies, sinkAddress } from "./workload.ts"

const ctx = { bitcoinNetwork: "simnet", ethereumChainId: 31337, bitcoinDefaultAccount: "default" } as const

describe("workload", () => {
  test("Ethereum bodies go round-robin over the senders and pass the intake's validation", () => {
    const { addresses } = freshKeys(2)
    const bodies = ethTransferBodies(addresses, sinkAddress(), 5)
    expect(bodies.map((b) => (b as { params: { from: string } }).params.from)).toEqual([0, 1, 0, 1, 0].map((i) => addresses[i] ?? ""))
    expect(validateBatch({ requests: bodies }, ctx, 10).ok).toBe(true)
  })

  test("Bitcoin bodies have distinct amounts and pass the intake's validation", () => {
    const bodies = btcPaymentBodies(sampleAddresses("simnet").p2pkh, 0.0001, 3)
    expect(bodies.map((b) => (b as { params: { amount: string } }).params.amount)).toEqual(["0.00010000", "0.00010001", "0.00010002"])
    expect(validateBatch({ requests: bodies }, ctx, 10).ok).toBe(true)
  })
})
