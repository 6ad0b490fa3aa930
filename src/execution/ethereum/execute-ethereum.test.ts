/**
 * The executor against a scripted node: what it signs, records and broadcasts when the
 * node answers "nonce too low". The chain here is a map of mined hashes per nonce, so
 * a second transaction for one request would show up as a second signed record.
 */
import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import type { NodePool, PooledResult } from "../../actors/node-throttler/pool.ts"
import { type NodeRejected, nodeRejected } from "../../adapters/errors.ts"
import { parseSignedTransaction } from "../../adapters/ethereum-codec.ts"
import { signersFromKeyList } from "../../adapters/ethereum.ts"
import type { QueuedRequest } from "../../domain/request.ts"
import type { StatusRecord } from "../../domain/status.ts"
import { makeLogger } from "../../observability/log.ts"
import type { ExecutionContext } from "../context.ts"
import { executeEthereum, type EthereumBody } from "./execute-ethereum.ts"
import { makeNonceLedger } from "./nonce-ledger.ts"

// anvil's first dev key: a well-known test key, never used for value.
const key = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
const signers = signersFromKeyList(key)
const from = [...signers.keys()][0] ?? ""

/** A node whose chain holds `mined` (nonce → hash) and whose pending count is the next free nonce. */
interface ScriptedNode {
  readonly mined: Map<number, string>
  /** Called before a broadcast is judged: lets a test mine bytes "behind the executor's back". */
  beforeBroadcast: (raw: string) => void
  readonly broadcasts: string[]
}

const scriptedNode = (): ScriptedNode => ({ mined: new Map(), beforeBroadcast: () => undefined, broadcasts: [] })

const poolFor = (node: ScriptedNode): NodePool => {
  const answer = (method: string, params: readonly unknown[]): Effect.Effect<PooledResult, NodeRejected> => {
    const ok = (result: unknown) => Effect.succeed({ node: "eth-1", result })
    switch (method) {
      case "eth_getTransactionCount":
        return ok(`0x${node.mined.size.toString(16)}`)
      case "eth_getTransactionByHash":
        return ok([...node.mined.values()].includes(String(params[0])) ? { hash: params[0] } : null)
      case "eth_sendRawTransaction": {
        const raw = String(params[0])
        node.broadcasts.push(raw)
        node.beforeBroadcast(raw)
        const parsed = parseSignedTransaction(raw)
        if (!parsed.ok) return Effect.fail(nodeRejected("ethereum", { node: "eth-1", method, code: -32602, detail: "bad tx" }))
        const { nonce, hash } = parsed.value
        if (node.mined.has(nonce)) return Effect.fail(nodeRejected("ethereum", { node: "eth-1", method, code: -32003, detail: "nonce too low" }))
        node.mined.set(nonce, hash)
        return ok(hash)
      }
      default:
        return Effect.fail(nodeRejected("ethereum", { node: "eth-1", method, code: -32601, detail: `unexpected ${method}` }))
    }
  }
  return {
    call: (_chain, method, params = []) => answer(method, params),
    callFor: (_chain, _affinity, method, params = []) => answer(method, params),
    callNode: (_node, method, params = []) => Effect.map(answer(method, params), (r) => r.result),
    available: () => true,
    healthy: () => true,
    nodesOf: () => ["eth-1"],
    throttles: [],
  }
}

const contextFor = (node: ScriptedNode, records: StatusRecord[]): ExecutionContext => ({
  pool: poolFor(node),
  view: {
    get: (id) => records.findLast((r) => r.id === id),
    claimedByOther: () => false,
    noteClaim: () => undefined,
    highestNonce: () => undefined,
  },
  record: async (rs) => void records.push(...rs),
  partition: 0,
  possiblyAttempted: false,
  log: makeLogger("test", { write: () => undefined }),
  now: () => 0,
  pipelineRecords: false,
})

const body: EthereumBody = { chain: "ethereum", method: "transfer", params: { from, to: "0x000000000000000000000000000000000000dEaD", value: "1" } }
const request: QueuedRequest = { id: "req-1", sender: from, body, accepted_at: 0, body_hash: "h" }
const settings = () => ({ chainId: 31337, signers, ledger: makeNonceLedger(), gasPrice: () => Effect.succeed(1_000_000_000n) })

const signedRecords = (records: readonly StatusRecord[]) => records.filter((r) => r.status === "signed")

describe("executeEthereum and 'nonce too low'", () => {
  test("bytes mined by someone else's re-broadcast of our own record: done, not signed again", async () => {
    const node = scriptedNode()
    // The confirmation tracker re-broadcasts the record just written, and it is mined
    // before the executor's own broadcast lands.
    node.beforeBroadcast = (raw) => {
      const parsed = parseSignedTransaction(raw)
      if (parsed.ok && node.broadcasts.length === 1) node.mined.set(parsed.value.nonce, parsed.value.hash)
    }
    const records: StatusRecord[] = []
    const outcome = await Effect.runPromise(executeEthereum(request, body, contextFor(node, records), settings()))
    expect(outcome._tag).toBe("recorded")
    expect(signedRecords(records)).toHaveLength(1)
    expect(node.mined.size).toBe(1)
    expect(outcome._tag === "recorded" ? outcome.record.txid : undefined).toBe(node.mined.get(0))
  })

  test("a nonce taken by another transaction: signed anew under the next nonce, once", async () => {
    const node = scriptedNode()
    const records: StatusRecord[] = []
    const s = settings()
    // The ledger believes nonce 0 is free, but the node already mined a foreign transaction there.
    s.ledger.init(from, 0, undefined)
    node.mined.set(0, "0xforeign")
    const outcome = await Effect.runPromise(executeEthereum(request, body, contextFor(node, records), s))
    expect(outcome._tag).toBe("recorded")
    const signed = signedRecords(records)
    expect(signed.map((r) => r.nonce)).toEqual([0, 1])
    expect(node.mined.get(1)).toBe(outcome._tag === "recorded" ? outcome.record.txid : "none")
  })

  test("a redelivered request whose recorded bytes were mined: resends nothing new", async () => {
    const node = scriptedNode()
    const records: StatusRecord[] = []
    const first = await Effect.runPromise(executeEthereum(request, body, contextFor(node, records), settings()))
    expect(first._tag).toBe("recorded")
    // A new owner (fresh ledger) gets the same message again.
    const again = await Effect.runPromise(executeEthereum(request, body, contextFor(node, records), settings()))
    expect(again._tag).toBe("recorded")
    expect(signedRecords(records)).toHaveLength(1)
    expect(node.mined.size).toBe(1)
  })
})
