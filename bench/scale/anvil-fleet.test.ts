import { describe, expect, test } from "bun:test"
import { anvilArgs, findAnvil, sharedAnvilArgs } from "./anvil-fleet.ts"

describe("anvil fleet", () => {
  test("block time and gas limit are passed only when set", () => {
    const base = { count: 3, chainId: 31337, blockTimeS: 0, gasLimit: 0 }
    expect(sharedAnvilArgs(base)).not.toContain("--block-time")
    expect(sharedAnvilArgs(base)).not.toContain("--gas-limit")
    const args = anvilArgs({ ...base, blockTimeS: 1, gasLimit: 400000 }, 41000)
    expect(args.join(" ")).toContain("--block-time 1")
    expect(args.join(" ")).toContain("--gas-limit 400000")
    expect(args.join(" ")).toContain("--port 41000")
    expect(args.join(" ")).toContain("--chain-id 31337")
  })

  test("an explicit binary that does not exist is not found", () => {
    expect(findAnvil("/nonexistent/anvil", "/")).toBeUndefined()
  })
})
