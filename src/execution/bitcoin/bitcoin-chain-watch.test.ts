import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { makeBitcoinChainWatch } from "./bitcoin-chain-watch.ts"

/** A scripted wallet chain: blocks by height, the wallet's transactions by block, and every call made. */
const chain = () => {
  const blocks: string[] = ["b0"]
  const txsIn = new Map<string, string[]>()
  const calls: string[] = []
  // Runs once, right after the next call of that method answered (a block found meanwhile).
  const after = new Map<string, () => void>()
  const callNode = (_node: string, method: string, params: readonly unknown[] = []) =>
    Effect.sync(() => {
      calls.push(method)
      const hook = after.get(method)
      after.delete(method)
      try {
        return answer(method, params)
      } finally {
        hook?.()
      }
    })
  const answer = (method: string, params: readonly unknown[]): unknown => {
      switch (method) {
        case "getbestblockhash": return blocks[blocks.length - 1]
        case "getblockcount": return blocks.length - 1
        case "getblockhash": return blocks[Number(params[0])]
        case "listsinceblock": {
          const from = blocks.indexOf(String(params[0]))
          const transactions = blocks.flatMap((hash, height) =>
            height > from ? (txsIn.get(hash) ?? []).map((txid) => ({ txid, blockhash: hash, confirmations: blocks.length - height })) : [])
          return { transactions, lastblock: blocks[blocks.length - 1] }
        }
        default: throw new Error(`unexpected ${method}`)
      }
  }
  const mine = (hash: string, txids: string[] = []) => {
    blocks.push(hash)
    txsIn.set(hash, txids)
  }
  return { blocks, calls, callNode, mine, after }
}

describe("bitcoin chain watch", () => {
  test("reads nothing while no partition follows a transaction", async () => {
    const c = chain()
    const watch = makeBitcoinChainWatch({ callNode: c.callNode })
    watch.register("btc-1", () => false)
    await Effect.runPromise(watch.readOnce)
    expect(c.calls).toEqual([])
  })

  test("one call a round while the chain stands still, one listsinceblock when it moves", async () => {
    const c = chain()
    const watch = makeBitcoinChainWatch({ callNode: c.callNode })
    const reg = watch.register("btc-1", () => true)
    await Effect.runPromise(watch.readOnce)
    expect(reg.drain()).toEqual({ head: 0, mined: new Map(), reorged: false })
    c.calls.length = 0
    await Effect.runPromise(watch.readOnce)
    await Effect.runPromise(watch.readOnce)
    expect(c.calls).toEqual(["getbestblockhash", "getbestblockhash"])

    c.mine("b1", ["t1"])
    c.mine("b2", ["t2", "t3"])
    c.calls.length = 0
    await Effect.runPromise(watch.readOnce)
    expect(c.calls).toEqual(["getbestblockhash", "getblockcount", "getblockhash", "getblockhash", "listsinceblock"])
    const seen = reg.drain()
    expect(seen.head).toBe(2)
    expect(seen.reorged).toBe(false)
    expect([...seen.mined]).toEqual([
      ["t1", { blockHash: "b1", height: 1 }],
      ["t2", { blockHash: "b2", height: 2 }],
      ["t3", { blockHash: "b2", height: 2 }],
    ])
    // Drained: the next call starts empty.
    expect(reg.drain().mined.size).toBe(0)
  })

  test("a block found between the best hash and the count is no reorg, before or after the first tip", async () => {
    const c = chain()
    const watch = makeBitcoinChainWatch({ callNode: c.callNode })
    const reg = watch.register("btc-1", () => true)
    c.after.set("getbestblockhash", () => c.mine("b1"))
    await Effect.runPromise(watch.readOnce)
    expect(reg.drain().head).toBe(1)
    c.mine("b2", ["t2"])
    c.after.set("getbestblockhash", () => c.mine("b3", ["t3"]))
    await Effect.runPromise(watch.readOnce)
    await Effect.runPromise(watch.readOnce)
    await Effect.runPromise(watch.readOnce)
    const seen = reg.drain()
    expect(seen.reorged).toBe(false)
    expect(seen.head).toBe(3)
    expect([...seen.mined]).toEqual([
      ["t2", { blockHash: "b2", height: 2 }],
      ["t3", { blockHash: "b3", height: 3 }],
    ])
  })

  test("every following partition gets the block's transactions; one not following gets nothing", async () => {
    const c = chain()
    const watch = makeBitcoinChainWatch({ callNode: c.callNode })
    const a = watch.register("btc-1", () => true)
    const b = watch.register("btc-1", () => true)
    const idle = watch.register("btc-1", () => false)
    await Effect.runPromise(watch.readOnce)
    c.mine("b1", ["t1"])
    c.calls.length = 0
    await Effect.runPromise(watch.readOnce)
    expect(c.calls.filter((m) => m === "listsinceblock")).toHaveLength(1)
    expect([...a.drain().mined.keys()]).toEqual(["t1"])
    expect([...b.drain().mined.keys()]).toEqual(["t1"])
    expect(idle.drain().mined.size).toBe(0)
  })

  test("a replaced block is reported as a reorg, and the new branch's transactions as mined", async () => {
    const c = chain()
    const watch = makeBitcoinChainWatch({ callNode: c.callNode })
    const reg = watch.register("btc-1", () => true)
    c.mine("b1", ["t1"])
    await Effect.runPromise(watch.readOnce)
    // b1 is replaced by b1' and b2' (t1 now in b2').
    c.blocks.splice(1)
    c.mine("b1x", [])
    c.mine("b2x", ["t1"])
    await Effect.runPromise(watch.readOnce)
    const seen = reg.drain()
    expect(seen.reorged).toBe(true)
    expect(seen.head).toBe(2)
    expect(seen.mined.get("t1")).toEqual({ blockHash: "b2x", height: 2 })
    expect(reg.drain().reorged).toBe(false)
  })

  test("an unregistered partition is read for no more", async () => {
    const c = chain()
    const watch = makeBitcoinChainWatch({ callNode: c.callNode })
    const reg = watch.register("btc-1", () => true)
    reg.unregister()
    await Effect.runPromise(watch.readOnce)
    expect(c.calls).toEqual([])
  })
})
