import { describe, expect, test } from "bun:test"
import type { ProxiedCall } from "../paper/counting-proxy.ts"
import { broadcastSpread } from "./pool-phase.ts"

const send = (paramsKey: string, startMs: number): ProxiedCall => ({ method: "eth_sendRawTransaction", startMs, endMs: startMs + 1, ok: true, paramsKey })

describe("broadcastSpread", () => {
  test("a transaction counts where it was broadcast first; every later broadcast is a repeat", () => {
    const proxies = [
      { calls: () => [send("a", 1), send("b", 2), send("c", 9)] },
      { calls: () => [send("c", 3), send("a", 5), { method: "eth_blockNumber", startMs: 0, endMs: 1, ok: true }] },
      { calls: () => [] },
    ]
    expect(broadcastSpread(proxies, ["eth-1", "eth-2", "eth-3"])).toEqual({ firstBroadcasts: { "eth-1": 2, "eth-2": 1, "eth-3": 0 }, rebroadcasts: 2 })
  })
})
