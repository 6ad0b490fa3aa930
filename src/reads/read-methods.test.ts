import { describe, expect, test } from "bun:test"
import { answerBlockOf, planRead } from "./read-methods.ts"

const head = { number: 100 }
const who = "0x00000000000000000000000000000000000000aa"

describe("planRead", () => {
  test.each([
    ["ethereum", "eth_getBalance", [who, "latest"], { _tag: "head", block: 100 }, [who, "0x64"]],
    ["ethereum", "eth_getBalance", [who], { _tag: "head", block: 100 }, [who, "0x64"]],
    ["ethereum", "eth_getBalance", [who, "0x10"], { _tag: "fixed", block: 16 }, [who, "0x10"]],
    ["ethereum", "eth_getBalance", [who, "0x64"], { _tag: "head", block: 100 }, [who, "0x64"]],
    ["ethereum", "eth_getBalance", [who, "pending"], { _tag: "head" }, [who, "pending"]],
    ["ethereum", "eth_getStorageAt", [who, "0x0"], { _tag: "head", block: 100 }, [who, "0x0", "0x64"]],
    ["ethereum", "eth_getBlockByNumber", ["latest", false], { _tag: "head", block: 100 }, ["0x64", false]],
    ["ethereum", "eth_getBlockByHash", ["0xab", false], { _tag: "fixed" }, ["0xab", false]],
    ["ethereum", "eth_chainId", [], { _tag: "fixed" }, []],
    ["ethereum", "eth_blockNumber", [], { _tag: "head", block: 100 }, []],
    ["bitcoin", "getblockhash", [7], { _tag: "fixed", block: 7 }, [7]],
    ["bitcoin", "getblockcount", [], { _tag: "head", block: 100 }, []],
  ] as const)("%s %s %j is kept as %j and sent as %j", (chain, method, params, scope, sent) => {
    const plan = planRead(chain, method, params, head)
    expect(plan._tag).toBe("read")
    if (plan._tag !== "read") return
    expect(plan.scope).toEqual(scope)
    expect(plan.params).toEqual(sent)
  })

  test("a `latest` read and the same read at the head's number share one cache key", () => {
    const a = planRead("ethereum", "eth_getBalance", [who, "latest"], head)
    const b = planRead("ethereum", "eth_getBalance", [who, "0x64"], head)
    expect(a._tag === "read" && b._tag === "read" && a.key === b.key).toBe(true)
  })

  test("eth_getLogs is pinned on both ends and kept by its last block", () => {
    const plan = planRead("ethereum", "eth_getLogs", [{ address: who, fromBlock: "0x1", toBlock: "latest" }], head)
    expect(plan._tag === "read" && plan.params).toEqual([{ address: who, fromBlock: "0x1", toBlock: "0x64" }])
    expect(plan._tag === "read" && plan.scope).toEqual({ _tag: "head", block: 100 })
  })

  test("wallet reads are marked so a send from the wallet drops them", () => {
    const plan = planRead("bitcoin", "getbalance", ["default"], head)
    expect(plan._tag === "read" && plan.wallet).toBe(true)
  })

  test.each([
    ["ethereum", "eth_sendRawTransaction", "write"],
    ["ethereum", "eth_sendTransaction", "write"],
    ["ethereum", "anvil_setBalance", "write"],
    ["ethereum", "evm_mine", "write"],
    ["bitcoin", "sendtoaddress", "write"],
    ["bitcoin", "getnewaddress", "write"],
    ["ethereum", "eth_foo", "unknown"],
    ["bitcoin", "getbalance2", "unknown"],
  ] as const)("%s %s is refused as %s", (chain, method, tag) => {
    expect(planRead(chain, method, [], head)._tag).toBe(tag)
  })

  test.each([
    ["ethereum", "eth_getBalance", [who, "tomorrow"]],
    ["ethereum", "eth_getLogs", ["not a filter"]],
    ["bitcoin", "getblockhash", ["7"]],
  ] as const)("%s %s %j names what is wrong with its params", (chain, method, params) => {
    const plan = planRead(chain, method, params, head)
    expect(plan._tag).toBe("params")
    expect(plan._tag === "params" && plan.rule.length).toBeGreaterThan(10)
  })
})

describe("answerBlockOf", () => {
  test("a mined transaction names its block; a pending one does not", () => {
    expect(answerBlockOf({ blockNumber: "0x10" })).toBe(16)
    expect(answerBlockOf({ blockNumber: null })).toBeUndefined()
    expect(answerBlockOf(null)).toBeUndefined()
  })
})
