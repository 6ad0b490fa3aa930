import { describe, expect, test } from "bun:test"
import { Effect, Fiber } from "effect"
import { nodeRejected } from "../../adapters/errors.ts"
import type { BatchOutcome, ChainNodes, NodeCallError } from "../ports.ts"
import { batchingSends, sendMethod } from "./send-batches.ts"

type Call = { readonly node: string; readonly method: string; readonly params: readonly unknown[] }

/** Nodes that record every round trip; a raw transaction "0xbad…" is refused, and `hold` keeps answers back until released. */
const recordingNodes = (options: { readonly failBatch?: NodeCallError; readonly hold?: Promise<void> } = {}) => {
  const singles: Call[] = []
  const batches: { readonly node: string; readonly calls: readonly Call[] }[] = []
  const answer = (params: readonly unknown[]): BatchOutcome =>
    String(params[0]).startsWith("0xbad")
      ? { ok: false, error: nodeRejected("ethereum", { node: "eth-1", method: sendMethod, code: -32000, detail: "insufficient funds for gas * price + value" }) }
      : { ok: true, result: `hash-of-${String(params[0])}` }
  const wait = Effect.promise(() => options.hold ?? Promise.resolve())
  const nodes: ChainNodes = {
    callFor: () => Effect.die("not used"),
    callNode: (node, method, params = []) =>
      Effect.gen(function* () {
        singles.push({ node, method, params })
        yield* wait
        const outcome = answer(params)
        return outcome.ok ? outcome.result : yield* Effect.fail(outcome.error)
      }),
    callNodeBatch: (node, calls) =>
      Effect.gen(function* () {
        batches.push({ node, calls: calls.map((c) => ({ node, ...c })) })
        yield* wait
        if (options.failBatch !== undefined) return yield* Effect.fail(options.failBatch)
        return calls.map((c) => answer(c.params))
      }),
    healthy: () => true,
  }
  return { nodes, singles, batches }
}

const settle = <A, E>(effect: Effect.Effect<A, E>) => Effect.result(effect)

describe("batchingSends", () => {
  test("sends made in the same turn to one node go in one batch, and each gets its own answer", async () => {
    const { nodes, singles, batches } = recordingNodes()
    const heard: string[] = []
    const sends = batchingSends(nodes, { onBatch: (node, n) => heard.push(`${node}:${n}`) })
    const answers = await Effect.runPromise(
      Effect.all(["0x01", "0xbad2", "0x03"].map((raw) => settle(sends.callNode("eth-1", sendMethod, [raw]))), { concurrency: "unbounded" }),
    )
    expect(singles).toEqual([])
    expect(batches.map((b) => b.calls.map((c) => c.params[0]))).toEqual([["0x01", "0xbad2", "0x03"]])
    expect(heard).toEqual(["eth-1:3"])
    expect(answers.map((a) => (a._tag === "Success" ? a.success : `${a.failure._tag}:${"kind" in a.failure ? a.failure.kind : ""}`))).toEqual([
      "hash-of-0x01",
      "NodeRejected:insufficient-funds",
      "hash-of-0x03",
    ])
  })

  test("a send alone goes as a plain call, and a sender's sends one after another never share a batch", async () => {
    const { nodes, singles, batches } = recordingNodes()
    const sends = batchingSends(nodes)
    await Effect.runPromise(Effect.gen(function* () {
      for (const raw of ["0x05", "0x06", "0x07"]) yield* sends.callNode("eth-1", sendMethod, [raw])
    }))
    expect(batches).toEqual([])
    expect(singles.map((c) => c.params[0])).toEqual(["0x05", "0x06", "0x07"])
  })

  test("each node gets its own batch, a full batch opens another, and other methods pass through", async () => {
    const { nodes, singles, batches } = recordingNodes()
    const sends = batchingSends(nodes, { perBatch: 2 })
    await Effect.runPromise(
      Effect.all([
        sends.callNode("eth-1", sendMethod, ["0x1a"]),
        sends.callNode("eth-2", sendMethod, ["0x2a"]),
        sends.callNode("eth-1", sendMethod, ["0x1b"]),
        sends.callNode("eth-1", sendMethod, ["0x1c"]),
        sends.callNode("eth-2", sendMethod, ["0x2b"]),
        sends.callNode("eth-1", "eth_blockNumber", []),
      ], { concurrency: "unbounded" }),
    )
    expect(batches.map((b) => `${b.node}:${b.calls.map((c) => c.params[0]).join(",")}`).sort()).toEqual(["eth-1:0x1a,0x1b", "eth-2:0x2a,0x2b"])
    expect(singles.map((c) => `${c.node}:${c.method}:${String(c.params[0] ?? "")}`).sort()).toEqual(["eth-1:eth_blockNumber:", "eth-1:eth_sendRawTransaction:0x1c"])
  })

  test("a batch that fails as a whole fails each of its sends with that error", async () => {
    const open: NodeCallError = { _tag: "CircuitOpen", message: "eth-1 is resting after failures" }
    const { nodes } = recordingNodes({ failBatch: open })
    const sends = batchingSends(nodes)
    const answers = await Effect.runPromise(
      Effect.all(["0x01", "0x02"].map((raw) => settle(sends.callNode("eth-1", sendMethod, [raw]))), { concurrency: "unbounded" }),
    )
    expect(answers.map((a) => (a._tag === "Failure" ? a.failure._tag : "answered"))).toEqual(["CircuitOpen", "CircuitOpen"])
  })

  test("when the fiber carrying a batch is interrupted, the other sends end unanswered instead of waiting for good", async () => {
    const { nodes, batches } = recordingNodes({ hold: new Promise(() => undefined) })
    const sends = batchingSends(nodes)
    const outcome = await Effect.runPromise(Effect.gen(function* () {
      const carrier = yield* Effect.forkChild(sends.callNode("eth-1", sendMethod, ["0x01"]))
      const other = yield* Effect.forkChild(settle(sends.callNode("eth-1", sendMethod, ["0x02"])))
      while (batches.length === 0) yield* Effect.sleep(1)
      yield* Fiber.interrupt(carrier)
      return yield* Fiber.join(other)
    }))
    expect(batches.map((b) => b.calls.length)).toEqual([2])
    expect(outcome._tag === "Failure" ? outcome.failure._tag : "answered").toBe("NodeUnreachable")
  })

  test("a send made after a batch has gone joins the next one", async () => {
    const { nodes, batches, singles } = recordingNodes()
    const sends = batchingSends(nodes)
    await Effect.runPromise(Effect.gen(function* () {
      const first = yield* Effect.forkChild(Effect.all([sends.callNode("eth-1", sendMethod, ["0x01"]), sends.callNode("eth-1", sendMethod, ["0x02"])], { concurrency: "unbounded" }))
      while (batches.length === 0) yield* Effect.sleep(1)
      yield* sends.callNode("eth-1", sendMethod, ["0x03"])
      yield* Fiber.join(first)
    }))
    expect(batches.map((b) => b.calls.map((c) => c.params[0]))).toEqual([["0x01", "0x02"]])
    expect(singles.map((c) => c.params[0])).toEqual(["0x03"])
  })
})
