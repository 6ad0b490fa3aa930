/**
 * The read front over a stand-in for the host's nodes (the real stack's tests are in
 * test/reads*.test.ts): what it does when the head it would vouch with cannot be read.
 */
import { afterEach, expect, test } from "bun:test"
import { Effect, Fiber } from "effect"
import { makeLogger } from "../observability/log.ts"
import { makeMetrics } from "../observability/metrics.ts"
import type { ReadCallError, ReadNodes } from "./ports.ts"
import { makeReadService, type ReadAnswer } from "./read-service.ts"

const address = "0x00000000000000000000000000000000000000aa"

/** One Ethereum node at head 5 whose head reads fail while `headDown` is set; balance reads are counted. */
const standIn = () => {
  const state = { headDown: false, balanceCalls: 0 }
  const down: ReadCallError = { _tag: "NodeUnreachable", message: "the node does not answer" }
  const nodes: ReadNodes = {
    readerOf: () => "eth-1",
    readOn: () => Effect.succeed("0x5"),
    readBatchOn: (_node, calls) =>
      Effect.sync(() => {
        state.balanceCalls += calls.length
        return calls.map(() => ({ ok: true as const, result: "0x5" }))
      }),
    callFirstOn: (_node, method) => {
      if (state.headDown) return Effect.fail(down)
      return method === "eth_blockNumber" ? Effect.succeed("0x5") : Effect.succeed({ number: "0x5", hash: "0xb5", parentHash: "0xb4" })
    },
    nodesOf: (chain) => (chain === "ethereum" ? ["eth-1"] : []),
  }
  return { state, nodes }
}

let following: Fiber.Fiber<never> | undefined
afterEach(() => {
  if (following !== undefined) Effect.runFork(Fiber.interrupt(following))
  following = undefined
})

const outcome = (a: ReadAnswer) => (a._tag === "result" ? a.outcome : a._tag)

test("a head gone stale whose head read fails vouches for no kept answer: the read goes to the node", async () => {
  const { state, nodes } = standIn()
  const service = makeReadService({
    nodes,
    settings: { cacheBytes: 1024 * 1024, headPollMs: 10, headIdleAfterMs: 60, hedge: false, carryUntouched: true, maxBatch: 100, rateWhileDraining: 0 },
    writesHeld: () => 0,
    log: makeLogger("test", { write: () => undefined }),
    metrics: makeMetrics(),
  })
  following = Effect.runFork(service.follow)
  const read = () => Effect.runPromise(service.read("ethereum", "eth_getBalance", [address, "latest"]))

  expect(outcome(await read())).toBe("miss")
  expect(outcome(await read())).toBe("hit")
  expect(state.balanceCalls).toBe(1)

  // Nobody reads for longer than the idle time: the head is no longer followed, and counts as stale.
  await Bun.sleep(200)
  state.headDown = true
  const answer = await read()
  expect(outcome(answer)).toBe("miss")
  expect(state.balanceCalls).toBe(2)
  expect(answer._tag === "result" ? answer.json : "").toBe('"0x5"')
})
