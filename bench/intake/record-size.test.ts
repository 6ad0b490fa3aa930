import { describe, expect, test } from "bun:test"
import { sampleAddresses } from "../../src/intake/validate/sample-addresses.ts"
import { recordSizes, sendToAddressBody } from "./record-size.ts"

const ctx = { bitcoinNetwork: "simnet", ethereumChainId: 31337, bitcoinDefaultAccount: "default" } as const

describe("recordSizes", () => {
  test("measures the body, the sendto record and its status record as the intake builds them", () => {
    const body = sendToAddressBody(sampleAddresses("simnet").p2pkh, "0.0001")
    const sizes = recordSizes(body, ctx, 1_763_000_000_000)
    if (typeof sizes === "string") throw new Error(sizes)
    expect(sizes.key).toBe("bitcoin:default")
    expect(sizes.bodyBytes).toBe(JSON.stringify(body).length)
    // id (36), sender, accepted_at, body_hash (64) and the field names come on top of the body.
    expect(sizes.singleRecordBytes - sizes.bodyBytes).toBeGreaterThan(36 + 64)
    expect(sizes.batchRecordBytes - sizes.singleRecordBytes).toBe(`,"batch_id":""`.length + 36)
    expect(sizes.statusRecordBytes).toBeGreaterThan(100)
  })

  test("says why a body would be refused", () => {
    const sizes = recordSizes(sendToAddressBody("not-an-address", "0.0001"), ctx)
    expect(typeof sizes).toBe("string")
    expect(String(sizes)).toContain("params.address")
  })
})
