import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { Transaction } from "ethers"
import type { StatusRecord } from "../../domain/status.ts"
import { makeLogger } from "../../observability/log.ts"
import type { ChainNodes, Recorder, RecordCache } from "../ports.ts"
import type { EthereumContext } from "./ethereum-context.ts"
import { fillGaps, reconcileBook } from "./ethereum-track.ts"
import { afterBroadcast } from "./slot-actions.ts"
import { makeSenderBook, type Slot } from "./sender-book.ts"

const sender = "0x00000000000000000000000000000000000000aa"

/** Ports that answer at once, except that each commit takes a turn of the event loop (as Kafka does). */
const context = () => {
  const committed: StatusRecord[] = []
  const records = new Map<string, StatusRecord>([["r0", { id: "r0", status: "signed", chain: "ethereum", sender, partition: 0, at: 1, rev: 1 }]])
  const recorder: Recorder = {
    commit: (rs) => Effect.promise(() => new Promise<{ committedAt: number }>((resolve) => setTimeout(() => (committed.push(...rs), resolve({ committedAt: performance.now() })), 5))),
    ensureOwned: Effect.void,
  }
  const cache: RecordCache = {
    get: (id) => records.get(id),
    remember: (rs) => rs.forEach((r) => records.set(r.id, r)),
    cancelRequested: () => false,
    highestNonce: () => undefined,
    awaitingOf: (address) => [...records.values()].filter((r) => r.sender === address && (r.status === "signed" || r.status === "submitted")),
    awaitingIn: (partition, before = Number.MAX_SAFE_INTEGER) => [...records.values()].filter((r) => r.partition === partition && r.at < before && (r.status === "signed" || r.status === "submitted")),
  }
  const nodes: ChainNodes = {
    callFor: () => Effect.succeed({ node: "eth-1", result: null }),
    callNode: () => Effect.succeed("0xhash"),
    callNodeBatch: () => Effect.succeed([]),
    healthy: () => true,
  }
  let signed = 0
  /** The nonce of every transaction the signer was asked to sign, in order. */
  const signedNonces: number[] = []
  const book = makeSenderBook()
  const ctx: EthereumContext = {
    partition: 0,
    nodes,
    recorder,
    records: cache,
    signers: new Map([[sender, { address: sender, sign: (tx) => (signedNonces.push(Number(tx.nonce)), { hash: `0xfill${++signed}`, raw: "0x02" }) }]]),
    settings: { chainId: 31337, maxInFlightPerSender: 16, fees: { feeCap: 10n ** 12n, tipCap: 10n ** 10n, bumpPercent: 10 }, confirmations: 1, bumpAfterMs: 15_000, rebroadcastAfterMs: 3_000, reorgWindowBlocks: 12 },
    book,
    market: () => Effect.succeed({ baseFee: 1n, suggestedTip: 1n }),
    log: makeLogger("test", { write: () => undefined }),
    now: Date.now,
  }
  return { ctx, committed, book, signedNonces }
}

const slotAt = (nonce: number): Slot => ({
  sender, nonce, owner: "r0", filler: false, clientSigned: false, call: false,
  versions: [{ hash: "0xr0", raw: "0x02", fees: { maxFee: 2n, tip: 1n }, at: 1 }],
  node: "eth-1", sentAt: undefined, mined: undefined, refused: undefined, recorded: true, reported: "signed", triedAt: undefined,
})

describe("a refusal heard twice", () => {
  test("the run and the tracker both hear one slot refused: one failed record, the nonce reused, no filler beside it", async () => {
    const { ctx, committed, book } = context()
    const state = book.get(sender)
    state.next = 1
    const slot = slotAt(0)
    book.put(slot)
    const refused = { _tag: "refused" as const, kind: "insufficient-funds" as const, detail: "insufficient funds for gas * price + value" }
    await Effect.runPromise(Effect.all([afterBroadcast(ctx, slot, refused), afterBroadcast(ctx, slot, refused)], { concurrency: "unbounded" }))
    expect(committed.map((r) => `${r.id}:${r.status}`)).toEqual(["r0:failed"])
    expect(state.next).toBe(0)
    expect([...state.slots.keys()]).toEqual([])
  })

  test("a refusal with later nonces already signed fills the nonce once", async () => {
    const { ctx, committed, book } = context()
    const state = book.get(sender)
    state.next = 2
    const slot = slotAt(0)
    book.put(slot)
    book.put({ ...slotAt(1), owner: "r1", versions: [{ hash: "0xr1", raw: "0x02", fees: { maxFee: 2n, tip: 1n }, at: 1 }] })
    const refused = { _tag: "refused" as const, kind: "insufficient-funds" as const, detail: "insufficient funds" }
    await Effect.runPromise(Effect.all([afterBroadcast(ctx, slot, refused), afterBroadcast(ctx, slot, refused)], { concurrency: "unbounded" }))
    const fillers = committed.filter((r) => r.kind === "filler")
    expect(committed.filter((r) => r.id === "r0").map((r) => r.status)).toEqual(["failed"])
    expect(fillers.map((r) => r.nonce)).toEqual([0])
    expect(state.next).toBe(2)
    expect(state.slots.get(0)?.filler).toBe(true)
  })

  test("a late 'nonce too low' to the old bytes of a slot already failed and filled signs nothing and records nothing", async () => {
    const { ctx, committed, book } = context()
    // The node: none of r0's bytes known, two transactions of the sender mined (the filler at 0, r1 at 1).
    const nodes: ChainNodes = { ...ctx.nodes, callNode: (_node, method) => Effect.succeed(method === "eth_getTransactionCount" ? "0x2" : null) }
    const late = { ...ctx, nodes }
    const state = book.get(sender)
    state.next = 2
    const slot = slotAt(0)
    book.put(slot)
    book.put({ ...slotAt(1), owner: "r1", versions: [{ hash: "0xr1", raw: "0x02", fees: { maxFee: 2n, tip: 1n }, at: 1 }] })
    await Effect.runPromise(afterBroadcast(late, slot, { _tag: "refused", kind: "insufficient-funds", detail: "insufficient funds" }))
    const settled = committed.length
    expect(committed.filter((r) => r.id === "r0").map((r) => r.status)).toEqual(["failed"])
    // The tracker's broadcast of the same old bytes is answered after the filler was mined.
    await Effect.runPromise(afterBroadcast(late, slot, { _tag: "refused", kind: "nonce-too-low", detail: "nonce too low" }))
    expect(committed.length).toBe(settled)
    expect(late.records.get("r0")?.status).toBe("failed")
    expect(state.slots.get(0)?.filler).toBe(true)
  })
})

describe("a gap in the sender's nonces", () => {
  /** A record of request `id` signed at `nonce` in `partition`, as the status store keeps it. */
  const signedAt = (id: string, nonce: number, partition = 0): StatusRecord => ({
    id, status: "signed", chain: "ethereum", sender, partition, at: 1, rev: 2, nonce, node: "eth-1",
    versions: [{ txid: `0x${id}`, raw_tx: "0x02", max_fee: "2", tip: "1", at: 1 }],
  })
  /** The node: nothing of the sender mined or pending; every send answered with its hash. */
  const emptyNode = (ctx: EthereumContext): EthereumContext => ({
    ...ctx,
    nodes: { ...ctx.nodes, callNode: (_node, method) => Effect.succeed(method === "eth_getTransactionCount" ? "0x0" : "0xhash") },
  })

  test("a request the records hold at the gap is taken into the book and sent again, not replaced by a filler", async () => {
    const { ctx, committed, book } = context()
    const cache = ctx.records
    cache.remember([signedAt("r1", 1)])
    const state = book.get(sender)
    state.next = 3
    book.put({ ...slotAt(0), owner: "r0" })
    book.put({ ...slotAt(2), owner: "r2", versions: [{ hash: "0xr2", raw: "0x02", fees: { maxFee: 2n, tip: 1n }, at: 1 }] })
    await Effect.runPromise(fillGaps(emptyNode(ctx), state, 0, "eth-1"))
    expect(committed.filter((r) => r.kind === "filler")).toEqual([])
    expect(state.slots.get(1)?.owner).toBe("r1")
    expect(state.slots.get(1)?.recorded).toBe(true)
    expect(state.slots.get(1)?.versions.map((v) => v.hash)).toEqual(["0xr1"])
  })

  test("a request the book holds at another nonce, or one of another partition, does not stop the filler", async () => {
    const { ctx, committed, book } = context()
    // r1's store record still says nonce 1, but the book has moved it to 3 (its newer record not yet applied); r4 belongs to partition 5.
    ctx.records.remember([signedAt("r1", 1), signedAt("r4", 2, 5)])
    const state = book.get(sender)
    state.next = 4
    book.put({ ...slotAt(0), owner: "r0" })
    book.put({ ...slotAt(3), owner: "r1", versions: [{ hash: "0xr1b", raw: "0x02", fees: { maxFee: 2n, tip: 1n }, at: 1 }] })
    await Effect.runPromise(fillGaps(emptyNode(ctx), state, 0, "eth-1"))
    expect(committed.filter((r) => r.kind === "filler").map((r) => r.nonce)).toEqual([1, 2])
    expect(state.slots.get(3)?.owner).toBe("r1")
    expect(state.slots.get(1)?.filler).toBe(true)
    expect(state.slots.get(2)?.filler).toBe(true)
  })
})

describe("the book compared with the status store", () => {
  /** A record of request `id` submitted at `nonce` in partition 0, `at` ms on the test's clock. */
  const submittedAt = (id: string, nonce: number, at: number): StatusRecord => ({
    id, status: "submitted", chain: "ethereum", sender, partition: 0, at, rev: 3, nonce, node: "eth-1",
    versions: [{ txid: `0x${id}`, raw_tx: "0x02", max_fee: "2", tip: "1", at }],
  })

  test("a request the store says is in flight and the book lost is taken back once it has not moved for 30 s, not at the takeover's first round", () => {
    const { ctx, book } = context()
    let now = 100_000
    const clocked: EthereumContext = { ...ctx, now: () => now }
    ctx.records.remember([submittedAt("lost", 4, 80_000), submittedAt("young", 5, 99_000)])
    book.put({ ...slotAt(3), owner: "held" })
    ctx.records.remember([{ ...submittedAt("held", 3, 50_000) }])
    reconcileBook(clocked)
    expect([...book.get(sender).slots.keys()]).toEqual([3])
    now += 10_000
    reconcileBook(clocked)
    expect([...book.get(sender).slots.keys()]).toEqual([3])
    now += 6_000
    reconcileBook(clocked)
    // "lost" (20 s idle at the takeover, 36 s at this comparison) is back; "young" (17 s) waits for the next one.
    expect([...book.get(sender).slots.keys()].sort()).toEqual([3, 4])
    expect(book.get(sender).slots.get(4)?.owner).toBe("lost")
    expect(book.get(sender).slots.get(4)?.recorded).toBe(true)
    expect(book.get(sender).slots.get(4)?.sentAt).toBeUndefined()
    now += 15_000
    reconcileBook(clocked)
    expect(book.get(sender).slots.get(5)?.owner).toBe("young")
  })

  test("a lost request whose nonce the book holds for another request is not put beside it", () => {
    const { ctx, book } = context()
    let now = 100_000
    const clocked: EthereumContext = { ...ctx, now: () => now }
    ctx.records.remember([submittedAt("lost", 3, 10_000)])
    book.put({ ...slotAt(3), owner: "filler-at-3", filler: true })
    reconcileBook(clocked)
    now += 20_000
    reconcileBook(clocked)
    expect(book.get(sender).slots.get(3)?.owner).toBe("filler-at-3")
    expect(book.get(sender).slots.size).toBe(1)
  })
})

describe("'nonce too low' while the node mines the block that holds the nonce", () => {
  /** Bytes the codec can read back, so a re-sign has something to copy. */
  const raw = Transaction.from({ type: 2, chainId: 31337, nonce: 0, to: sender, value: 1n, gasLimit: 21_000n, maxFeePerGas: 2n, maxPriorityFeePerGas: 1n }).unsignedSerialized
  /**
   * The node at head 0x10, whose `latest` already counts nonce 0 (the block being mined),
   * which does not know the hash any more (out of its pool), and whose finished blocks
   * (0xf and below) count `settled` of the sender's transactions; `receipt` for 0xr0.
   */
  const miningNode = (ctx: EthereumContext, settled: string, receipt: object | null): EthereumContext => ({
    ...ctx,
    nodes: {
      ...ctx.nodes,
      callNode: (_node, method, params = []) => {
        if (method === "eth_blockNumber") return Effect.succeed("0x10")
        if (method === "eth_getTransactionCount") return Effect.succeed(params[1] === "0xf" ? settled : "0x1")
        if (method === "eth_getTransactionReceipt") return Effect.succeed(params[0] === "0xr0" ? receipt : null)
        return Effect.succeed(null)
      },
    },
  })
  const setUp = (settled: string, receipt: object | null) => {
    const { ctx, committed, book, signedNonces } = context()
    const state = book.get(sender)
    state.next = 1
    const slot: Slot = { ...slotAt(0), versions: [{ hash: "0xr0", raw, fees: { maxFee: 2n, tip: 1n }, at: 1 }], sentAt: 1 }
    book.put(slot)
    return { ctx: miningNode(ctx, settled, receipt), committed, state, slot, signedNonces }
  }
  const tooLow = { _tag: "refused" as const, kind: "nonce-too-low" as const, detail: "nonce too low" }

  test("no finished block uses the nonce yet: the slot waits, nothing is signed again", async () => {
    const { ctx, committed, state, slot } = setUp("0x0", null)
    await Effect.runPromise(afterBroadcast(ctx, slot, tooLow))
    expect(committed).toEqual([])
    expect(state.slots.get(0)?.owner).toBe("r0")
    expect(state.next).toBe(1)
    expect(slot.refused).toBe("nonce too low")
  })

  test("a finished block holds our own bytes at it: the slot is mined, nothing is signed again", async () => {
    const { ctx, committed, state, slot } = setUp("0x1", { blockNumber: "0xf", blockHash: "0xbf", status: "0x1" })
    await Effect.runPromise(afterBroadcast(ctx, slot, tooLow))
    expect(committed).toEqual([])
    expect(slot.mined).toEqual({ hash: "0xr0", block: 15, blockHash: "0xbf", succeeded: true })
    expect(state.slots.get(0)?.owner).toBe("r0")
  })

  test("a finished block used it for another transaction: the request is signed again at the next nonce", async () => {
    const { ctx, committed, state, signedNonces } = setUp("0x1", null)
    await Effect.runPromise(afterBroadcast(ctx, state.slots.get(0) as Slot, tooLow))
    expect(committed.map((r) => `${r.id}:${r.status}:${r.nonce}`)).toEqual(["r0:signed:1"])
    // The bytes are signed at the new nonce, not the old one the copied fields came from.
    expect(signedNonces).toEqual([1])
    expect(state.slots.has(0)).toBe(false)
    expect(state.slots.get(1)?.owner).toBe("r0")
  })
})
