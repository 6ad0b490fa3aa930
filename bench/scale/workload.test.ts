import { describe, expect, test } from "bun:test"
import { validateBatch } from "../../src/intake/validate/validate-request.ts"
import { freshKeys } from "../lib/fresh-keys.ts"
import { BUMP_GAS_LIMIT, BUMP_GAS_USED, blockGasLimitFor } from "./counter-chain.ts"
import { bumpBodies } from "./workload.ts"

const ctx = { bitcoinNetwork: "simnet", ethereumChainId: 31337, bitcoinDefaultAccount: "default" } as const
const counter = "0x5fbdb2315678afecb367f032d93f642f64180aa3"

describe("bump bodies", () => {
  test("each sender makes callsPerSender consecutive calls with distinct amounts, and the intake accepts them", () => {
    const { addresses } = freshKeys(2)
    const bodies = bumpBodies(addresses, counter, [11n, 12n, 13n, 14n], 2) as ReadonlyArray<{ params: { from: string; args: ReadonlyArray<string>; gas_limit: string } }>
    expect(bodies.map((b) => b.params.from)).toEqual([0, 0, 1, 1].map((i) => addresses[i] ?? ""))
    expect(bodies.map((b) => b.params.args[0])).toEqual(["11", "12", "13", "14"])
    expect(bodies.every((b) => b.params.gas_limit === String(BUMP_GAS_LIMIT))).toBe(true)
    expect(validateBatch({ requests: bodies }, ctx, 10).ok).toBe(true)
  })

  test("a block sized for N calls holds N and not N+1 under anvil's rule (gas left >= the next call's limit)", () => {
    for (const n of [1, 10, 20]) {
      const limit = blockGasLimitFor(n)
      expect(limit - (n - 1) * BUMP_GAS_USED).toBeGreaterThanOrEqual(BUMP_GAS_LIMIT)
      expect(limit - n * BUMP_GAS_USED).toBeLessThan(BUMP_GAS_LIMIT)
    }
  })
})
