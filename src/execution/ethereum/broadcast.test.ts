import { describe, expect, test } from "bun:test"
import { Effect, Fiber } from "effect"
import { makeLogger } from "../../observability/log.ts"
import type { ChainNodes, Recorder, RecordCache } from "../ports.ts"
import { broadcastSlots, releaseFromRun } from "./broadcast.ts"
import type { EthereumContext } from "./ethereum-context.ts"
import { trackEthereum } from "./ethereum-track.ts"
import { makeSenderBook, type Slot } from "./sender-book.ts"

const sender = "0x00000000000000000000000000000000000000aa"

/** A slot signed and recorded by a run, not yet sent (so the run's: `inRun`): its bytes name its nonce. */
const recordedAt = (nonce: number): Slot => ({
  sender, nonce, owner: `r${nonce}`, filler: false, clientSigned: false, call: false,
  versions: [{ hash: `0xh${nonce}`, raw: `0x02${nonce}`, fees: { maxFee: 2n, tip: 1n }, at: Date.now() }],
  node: "eth-1", sentAt: undefined, mined: undefined, refused: undefined, recorded: true, reported: "signed", triedAt: undefined, inRun: true,
})

/**
 * A node that takes each send after `sendMs` (one sender's sends go one after another, so
 * a run of four takes four times that) and answers `refuse` with "nonce too low"; every
 * other call answers at once. `sent` lists the bytes of each send, in order.
 */
const context = (sendMs: number, refuse: ReadonlySet<string> = new Set()) => {
  const sent: string[] = []
  const nodes: ChainNodes = {
    callFor: () => Effect.succeed({ node: "eth-1", result: "0x0" }),
    callNode: (_node, method, params) => {
      if (method !== "eth_sendRawTransaction") return Effect.succeed(method === "eth_getTransactionByHash" ? { hash: "known" } : "0x0")
      const raw = String(params?.[0])
      sent.push(raw)
      return Effect.flatMap(Effect.sleep(sendMs), () =>
        refuse.has(raw) ? Effect.fail({ _tag: "NodeRejected", node: "eth-1", method, kind: "nonce-too-low", detail: "nonce too low", message: "nonce too low" } as never) : Effect.succeed("0xhash"),
      )
    },
    callNodeBatch: () => Effect.succeed([]),
    healthy: () => true,
  }
  const recorder: Recorder = { commit: () => Effect.succeed({ committedAt: 0 }), ensureOwned: Effect.void }
  const records: RecordCache = {
    get: () => undefined,
    remember: () => undefined,
    cancelRequested: () => false,
    highestNonce: () => undefined,
    awaitingOf: () => [],
    awaitingIn: () => [],
  }
  const book = makeSenderBook()
  book.get(sender).next = 4
  const ctx: EthereumContext = {
    partition: 0,
    nodes,
    recorder,
    records,
    signers: new Map(),
    settings: { chainId: 31337, maxInFlightPerSender: 16, fees: { feeCap: 10n ** 12n, tipCap: 10n ** 10n, bumpPercent: 10 }, confirmations: 1, bumpAfterMs: 15_000, rebroadcastAfterMs: 3_000, reorgWindowBlocks: 12 },
    book,
    market: () => Effect.succeed({ baseFee: 1n, suggestedTip: 1n }),
    log: makeLogger("test", { write: () => undefined }),
    now: Date.now,
  }
  const round = trackEthereum(ctx, { head: () => undefined }, { drain: () => ({ mined: [], reorged: [] }), unregister: () => undefined }, new Map())
  return { ctx, book, sent, round }
}

describe("a run's broadcast and the tracker", () => {
  test("tracker rounds beside a run's in-order broadcast send none of the run's slots: each is sent once", async () => {
    const { ctx, book, sent, round } = context(20)
    const slots = [0, 1, 2, 3].map(recordedAt)
    for (const slot of slots) book.put(slot)
    await Effect.runPromise(
      Effect.gen(function* () {
        const run = yield* Effect.forkChild(broadcastSlots(ctx.nodes, ctx.recorder, slots, ctx.now))
        // A tracker round every 10 ms while the run sends (four sends of 20 ms each).
        for (let i = 0; i < 8; i++) {
          yield* round
          yield* Effect.sleep(10)
        }
        const outcomes = yield* Fiber.join(run)
        expect(outcomes.map((o) => o._tag)).toEqual(["sent", "sent", "sent", "sent"])
      }),
    )
    expect(sent).toEqual(["0x020", "0x021", "0x022", "0x023"])
    expect(slots.map((s) => s.inRun)).toEqual([undefined, undefined, undefined, undefined])
  })

  test("a slot whose answer was not 'sent' stays the run's until the run lets it go; then the tracker sends it again", async () => {
    const { ctx, book, sent, round } = context(1, new Set(["0x021"]))
    const slots = [0, 1].map(recordedAt)
    for (const slot of slots) book.put(slot)
    const outcomes = await Effect.runPromise(broadcastSlots(ctx.nodes, ctx.recorder, slots, ctx.now))
    expect(outcomes.map((o) => o._tag)).toEqual(["sent", "refused"])
    expect(slots.map((s) => s.inRun)).toEqual([undefined, true])
    // Slot 0 went in; slot 1 (its refusal not yet acted on) is the lowest unmined, and the run's.
    slots[0]!.mined = { hash: "0xh0", block: 1, blockHash: "0xb1", succeeded: true }
    await Effect.runPromise(round)
    expect(sent).toEqual(["0x020", "0x021"])
    releaseFromRun(slots)
    slots[1]!.refused = "nonce too low"
    await Effect.runPromise(round)
    expect(sent).toEqual(["0x020", "0x021", "0x021"])
  })
})
