import { describe, expect, test } from "bun:test"
import type { ProxyStats } from "../paper/counting-proxy.ts"
import { allItems, itemsByMethod, methodItems, overNodes, requestsCarrying } from "./method-count.ts"

const byMethod = { eth_getBalance: 10, "eth_getBalance,eth_getBalance,eth_getBalance": 2, eth_sendRawTransaction: 5, "eth_blockNumber,eth_getBalance": 1 }

describe("counting node calls by method", () => {
  test("read items count every eth_getBalance, inside batches too", () => {
    expect(methodItems(byMethod)).toBe(10 + 6 + 1)
    expect(requestsCarrying(byMethod)).toBe(10 + 2 + 1)
    expect(allItems(byMethod)).toBe(10 + 6 + 5 + 2)
  })

  test("over nodes, and per method with batches taken apart", () => {
    const stats = (m: Readonly<Record<string, number>>, calls: number): ProxyStats => ({ calls, errors: 0, peakInFlight: 1, byMethod: m, errorGroups: [] })
    const nodes = { "eth-1": stats(byMethod, 18), "eth-2": stats({ eth_getBalance: 3 }, 3) }
    expect(overNodes(nodes, (s) => s.calls)).toBe(21)
    expect(itemsByMethod(nodes)).toEqual({ eth_getBalance: 20, eth_sendRawTransaction: 5, eth_blockNumber: 1 })
  })
})
