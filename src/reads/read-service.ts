/**
 * The read front: serves JSON-RPC reads from a cache keyed by what each answer depends
 * on, merges identical reads that arrive while the first is at a node into one node
 * call, and otherwise sends the read to the least-loaded healthy node behind the
 * executor's writes. Each chain's head is read once per `headPollMs` for the whole
 * host; when it moves, the answers about the old head go (but for the balances, nonces
 * and codes of accounts the new block did not touch, which are carried to it), and when a
 * reorg replaced blocks, every answer about them goes too.
 *
 * An answer is stored only if the chain's head did not move while it was being fetched,
 * so a slow answer about an old head never outlives the head it was about.
 */
import { Effect } from "effect"
import type { ReadsSettings } from "../config/gateway-config.ts"
import type { Logger } from "../observability/log.ts"
import type { MetricsRegistry } from "../observability/metrics.ts"
import { headPoll } from "../runtime/schedules.ts"
import { makeHeadFollowing, type HeadFollowing } from "./head-following.ts"
import { makeAnswerCache, type AnswerCache } from "./answer-cache.ts"
import { makeHeadWatch, type Head, type HeadWatch } from "./head-watch.ts"
import { shareRun } from "./share-run.ts"
import { accountsTouchedBy } from "./block-touches.ts"
import { makeLatencyWindow } from "./latency-window.ts"
import { makeReadGate, type Admission } from "./read-gate.ts"
import type { ReadCallError, ReadNodes } from "./ports.ts"
import { answerBlockOf, planRead, type PlannedRead, type ReadChain, type Refusal, type Scope } from "./read-methods.ts"
import { readEvents, readMetrics } from "./events.ts"

/** How a read was served. */
export type ReadOutcome = "hit" | "miss" | "merged"

/** A JSON-RPC error as the client receives it. */
export interface RpcError {
  readonly code: number
  readonly message: string
  readonly data?: unknown
}

/** One answered read. */
export type ReadAnswer =
  | {
      readonly _tag: "result"
      /** The result as JSON text. */
      readonly json: string
      readonly node: string
      readonly block?: number
      readonly outcome: ReadOutcome
      readonly hedged: boolean
    }
  | {
      readonly _tag: "error"
      readonly error: RpcError
      /** True when no node could be asked (503 for a single call); false when a node refused the call. */
      readonly unavailable: boolean
      readonly node?: string
      readonly outcome: ReadOutcome
      readonly hedged: boolean
    }
  | { readonly _tag: "refused"; readonly refusal: Refusal }

/** The host's read front. */
export interface ReadService {
  /** The chains this host has nodes for. */
  readonly chains: readonly ReadChain[]
  readonly settings: ReadsSettings
  /** The answer from the cache, at once, when it holds one (no fiber, no promise: the hot path of a read storm). */
  readonly peek: (chain: ReadChain, method: string, params: readonly unknown[]) => ReadAnswer | undefined
  /** Serves one read. Never fails: errors are answers. */
  readonly read: (chain: ReadChain, method: string, params: readonly unknown[]) => Effect.Effect<ReadAnswer>
  /** The head last read for `chain`. */
  readonly head: (chain: ReadChain) => Head | undefined
  /** This host sent from `chain`'s wallet: its wallet answers are no longer true. */
  readonly noteWrite: (chain: ReadChain) => void
  /**
   * Whether a client read request may start now (before any work is done for it): at
   * once, after a wait, or refused because this host's executors hold writes and the
   * reads allowed meanwhile are taken for longer than `readGateMaxWaitMs` (read-gate.ts).
   */
  readonly admit: () => Admission
  /** This host's intake took transfers: reads yield to them from now on. */
  readonly writesComing: () => void
  /** Follows every chain's head, forever. */
  readonly follow: Effect.Effect<never>
}

/** The longest a read waits for its turn behind a drain before it is refused with 503. */
export const readGateMaxWaitMs = 2000
/**
 * Reads stay spaced this long after the executors last held a request or the intake last
 * took one: the gaps between the fetches of one drain, and the wait for its first.
 */
const readGateHoldMs = 2000

/** The node's answer to one fetch, never failing. */
type Fetched = { readonly ok: true; readonly node: string; readonly result: unknown; readonly hedged: boolean } | { readonly ok: false; readonly error: ReadCallError; readonly node?: string; readonly hedged: boolean }

/** JSON-RPC codes for what went wrong before a node answered. */
const unavailableCode = -32011

const rpcErrorOf = (error: ReadCallError): RpcError =>
  error._tag === "NodeRejected" ? { code: error.code, message: error.detail, ...(error.data === undefined ? {} : { data: error.data }) } : { code: unavailableCode, message: `gateway: ${error.message}` }

/** Reads a head from a node of `chain`. */
const readHead = (nodes: ReadNodes, chain: ReadChain, node: string): Effect.Effect<Head, ReadCallError | { readonly _tag: "BadHead"; readonly message: string }> =>
  chain === "ethereum"
    ? // The best number first, then that block: anvil can show a block as `latest` a moment
      // before reads at its number see its state (seen as answers one block old under a drain).
      Effect.flatMap(Effect.flatMap(nodes.callFirstOn(node, "eth_blockNumber", []), (best) => nodes.callFirstOn(node, "eth_getBlockByNumber", [best, false])), (block) => {
        const b = block as { number?: unknown; hash?: unknown; parentHash?: unknown } | null
        if (b === null || typeof b.number !== "string" || typeof b.hash !== "string") return Effect.fail({ _tag: "BadHead" as const, message: `node ${node} sent no latest block` })
        return Effect.succeed({ number: Number.parseInt(b.number, 16), hash: b.hash, ...(typeof b.parentHash === "string" ? { parentHash: b.parentHash } : {}) })
      })
    : Effect.gen(function* () {
        // The height, then the hash at it, as for Ethereum: the best hash read before the
        // count could belong to the block below it, and the next poll saw a "reorg".
        const height = yield* nodes.callFirstOn(node, "getblockcount", [])
        if (typeof height !== "number") return yield* Effect.fail({ _tag: "BadHead" as const, message: `node ${node} sent no block count` })
        const hash = yield* nodes.callFirstOn(node, "getblockhash", [height])
        if (typeof hash !== "string") return yield* Effect.fail({ _tag: "BadHead" as const, message: `node ${node} sent no hash for block ${height}` })
        return { number: height, hash }
      })

const hashAtOf = (nodes: ReadNodes, chain: ReadChain, node: string) => (n: number) =>
  chain === "ethereum"
    ? Effect.map(nodes.callFirstOn(node, "eth_getBlockByNumber", [`0x${n.toString(16)}`, false]), (b) => String((b as { hash?: unknown } | null)?.hash ?? ""))
    : Effect.map(nodes.callFirstOn(node, "getblockhash", [n]), (h) => String(h))

/** What the read front keeps for each chain it serves. */
interface ChainState {
  readonly cache: AnswerCache
  readonly watch: HeadWatch
  readonly following: HeadFollowing
  /** Raised at each head move, so an answer fetched under an older head is not kept. */
  epoch: number
  readonly latency: ReturnType<typeof makeLatencyWindow>
}

/** Builds the read front over the host's nodes. */
export const makeReadService = (deps: { readonly nodes: ReadNodes; readonly settings: ReadsSettings; readonly writesHeld: () => number; readonly log: Logger; readonly metrics: MetricsRegistry }): ReadService => {
  const { nodes, settings, log } = deps
  const m = readMetrics(deps.metrics)
  const gate = makeReadGate({ ratePerS: settings.rateWhileDraining, maxWaitMs: readGateMaxWaitMs, holdMs: readGateHoldMs }, deps.writesHeld)
  const chains = (["ethereum", "bitcoin"] as const).filter((c) => nodes.nodesOf(c).length > 0)
  const perChain = new Map<ReadChain, ChainState>()
  // The cache budget is split evenly between the chains this host serves.
  for (const c of chains) {
    perChain.set(c, { cache: makeAnswerCache(Math.floor(settings.cacheBytes / chains.length)), watch: makeHeadWatch(), following: makeHeadFollowing(settings.headIdleAfterMs), epoch: 0, latency: makeLatencyWindow(512) })
  }
  const state = (chain: ReadChain) => perChain.get(chain)
  const inFlight = new Map<string, Promise<Fetched>>()

  const showSize = (chain: ReadChain) => {
    const s = state(chain)
    if (s === undefined) return
    const size = s.cache.size()
    m.cacheEntries.set(size.entries, { chain })
    m.cacheBytes.set(size.bytes, { chain })
  }

  /** One read at one node, as a value; counts the node call. */
  const callNode = (chain: ReadChain, node: string, method: string, params: readonly unknown[], hedged: boolean): Effect.Effect<Fetched> =>
    Effect.sync(() => m.nodeCalls.inc({ chain, node })).pipe(
      Effect.andThen(nodes.readOn(node, method, params)),
      Effect.map((result): Fetched => ({ ok: true, node, result, hedged })),
      Effect.catch((error: ReadCallError) => Effect.succeed<Fetched>({ ok: false, error, node, hedged })),
    )

  /** Sends a read to the best node, and, when hedging is on and the node is slower than the pool's p95, to a second one too. */
  const fetch = (chain: ReadChain, plan: PlannedRead): Effect.Effect<Fetched> =>
    Effect.suspend(() => {
      const first = nodes.readerOf(chain)
      if (first === undefined) {
        const names = nodes.nodesOf(chain).join(", ")
        return Effect.succeed<Fetched>({ ok: false, error: { _tag: "CircuitOpen", message: `no ${chain} node can take a read now (nodes: ${names}); retry shortly` }, hedged: false })
      }
      const started = performance.now()
      const s = state(chain)
      const primary = callNode(chain, first, plan.method, plan.params, false)
      const hedgeAfter = settings.hedge && nodes.nodesOf(chain).length > 1 ? s?.latency.p95() : undefined
      const raced =
        hedgeAfter === undefined
          ? primary
          : Effect.raceFirst(
              primary,
              Effect.sleep(hedgeAfter).pipe(
                Effect.andThen(
                  Effect.suspend(() => {
                    const second = nodes.readerOf(chain, first)
                    if (second === undefined || second === first) return Effect.never
                    m.hedged.inc({ chain })
                    return callNode(chain, second, plan.method, plan.params, true)
                  }),
                ),
              ),
            )
      return Effect.tap(raced, (f) => Effect.sync(() => {
        if (f.ok) s?.latency.add(performance.now() - started)
      }))
    })

  /**
   * Ethereum misses go to the node in JSON-RPC batches: while one batch per node is on
   * its way, the misses that arrive wait and leave together in the next (at most
   * `maxBatch` each). A new head makes every hot answer a miss at once; batched, that
   * is a few round trips under one read permit each instead of hundreds.
   */
  const waiting = new Map<ReadChain, Array<{ readonly plan: PlannedRead; readonly done: (f: Fetched) => void }>>()
  let batchesInFlight = 0
  const flush = (chain: ReadChain) => {
    const queue = waiting.get(chain) ?? []
    while (queue.length > 0 && batchesInFlight < Math.max(1, nodes.nodesOf(chain).length)) {
      const take = queue.splice(0, settings.maxBatch)
      const node = nodes.readerOf(chain)
      if (node === undefined) {
        const error = { _tag: "CircuitOpen" as const, message: `no ${chain} node can take a read now (nodes: ${nodes.nodesOf(chain).join(", ")}); retry shortly` }
        for (const t of take) t.done({ ok: false, error, hedged: false })
        continue
      }
      batchesInFlight += 1
      m.nodeCalls.inc({ chain, node }, take.length)
      m.batches.inc({ chain, node })
      const sent = Effect.runPromise(Effect.result(nodes.readBatchOn(node, take.map((t) => ({ method: t.plan.method, params: t.plan.params })))))
      void sent.then((outcome) => {
        batchesInFlight -= 1
        take.forEach((t, i) => {
          if (outcome._tag === "Failure") return t.done({ ok: false, error: outcome.failure, node, hedged: false })
          const one = outcome.success[i]
          if (one === undefined) return t.done({ ok: false, error: { _tag: "NodeUnreachable", message: `node ${node} answered ${outcome.success.length} of ${take.length} batched reads` }, node, hedged: false })
          t.done(one.ok ? { ok: true, node, result: one.result, hedged: false } : { ok: false, error: one.error, node, hedged: false })
        })
        flush(chain)
      })
    }
  }
  const fetchBatched = (chain: ReadChain, plan: PlannedRead): Promise<Fetched> =>
    new Promise((done) => {
      const queue = waiting.get(chain) ?? []
      waiting.set(chain, queue)
      queue.push({ plan, done })
      flush(chain)
    })

  /** The scope an answer is kept under: a transaction or receipt that names its block is final until a reorg. */
  const scopeOf = (plan: PlannedRead, result: unknown, head: Head): Scope => {
    if (!plan.byAnswer) return plan.scope
    const block = answerBlockOf(result)
    return block !== undefined && block <= head.number ? { _tag: "fixed", block } : plan.scope
  }

  /** The node's answer, shared by every identical read that arrives while it is on its way. */
  const fetchMerged = (chain: ReadChain, plan: PlannedRead): Effect.Effect<{ readonly fetched: Fetched; readonly merged: boolean }> =>
    Effect.promise(() => {
      const { running, joined } = shareRun(inFlight, plan.key, () => {
        const s = state(chain)
        const epoch = s?.epoch ?? 0
        const head = s?.watch.current()
        // Run apart from the caller: a client that goes away must not cancel the callers merged into its read.
        // Hedging needs a read of its own to race; Bitcoin wallets take no batches.
        const started = chain === "ethereum" && !settings.hedge ? fetchBatched(chain, plan) : Effect.runPromise(fetch(chain, plan))
        return started.then((fetched) => {
          if (fetched.ok && s !== undefined && head !== undefined && s.epoch === epoch) {
            s.cache.put(plan.key, {
              json: JSON.stringify(fetched.result) ?? "null",
              node: fetched.node,
              scope: scopeOf(plan, fetched.result, head),
              wallet: plan.wallet,
              ...(plan.account === undefined ? {} : { carry: { method: plan.method, account: plan.account } }),
            })
            showSize(chain)
          }
          return fetched
        })
      })
      return running.then((fetched) => ({ fetched, merged: joined }))
    })

  /** The accounts the block `hash` may have changed, from the block with its transactions; undefined when it may have changed any, or the node did not say. */
  const touchedAt = (node: string, hash: string): Effect.Effect<ReadonlySet<string> | undefined> =>
    nodes.callFirstOn(node, "eth_getBlockByHash", [hash, true]).pipe(
      Effect.map(accountsTouchedBy),
      Effect.catch(() => Effect.succeed(undefined)),
    )

  /** Reads and observes the head of `chain` once; drops what it made untrue. */
  const followOnce = (chain: ReadChain): Effect.Effect<Head | undefined> =>
    Effect.gen(function* () {
      const s = state(chain)
      const node = nodes.readerOf(chain)
      if (s === undefined || node === undefined) return s?.watch.current()
      m.headReads.inc({ chain })
      const head = yield* readHead(nodes, chain, node)
      const before = s.watch.current()
      const oneBlockOn = chain === "ethereum" && settings.carryUntouched && before !== undefined && head.number === before.number + 1 && head.parentHash === before.hash
      const touched = oneBlockOn ? yield* touchedAt(node, head.hash) : undefined
      const change = yield* s.watch.observe(head, hashAtOf(nodes, chain, node))
      s.following.notePolled()
      if (change.moved) {
        s.epoch += 1
        const carry = touched !== undefined && before !== undefined && change.reorgFrom === undefined ? { from: before.number, to: head.number, untouched: (account: string) => !touched.has(account) } : undefined
        const { carried } = s.cache.dropHead(carry)
        if (carried > 0) m.carried.inc({ chain }, carried)
        m.head.set(head.number, { chain })
      }
      if (change.reorgFrom !== undefined) {
        const dropped = s.cache.dropFrom(change.reorgFrom)
        m.reorgs.inc({ chain })
        log.warn(readEvents.reorg, { chain, from: change.reorgFrom, head: head.number, dropped })
      }
      if (change.moved) showSize(chain)
      return head
    }).pipe(
      Effect.catch((error: { readonly _tag: string; readonly message: string }) =>
        Effect.sync(() => {
          log.warn(readEvents.headFailed, { chain, error: error.message })
          return state(chain)?.watch.current()
        }),
      ),
    )

  /** One head read shared by every read that finds the chain's head stale (not followed while nobody read it). */
  const waking = new Map<ReadChain, Promise<Head | undefined>>()
  const wake = (chain: ReadChain): Effect.Effect<Head | undefined> => Effect.promise(() => shareRun(waking, chain, () => Effect.runPromise(followOnce(chain))).running)

  /** The kept answer of a planned read, counted as a hit; undefined when none is kept. */
  const cached = (chain: ReadChain, s: ChainState, plan: PlannedRead): ReadAnswer | undefined => {
    const kept = s.cache.get(plan.key)
    if (kept === undefined) return undefined
    m.reads.inc({ chain, outcome: "hit" })
    return { _tag: "result", json: kept.json, node: kept.node, ...(kept.scope.block === undefined ? {} : { block: kept.scope.block }), outcome: "hit", hedged: false }
  }

  const peek = (chain: ReadChain, method: string, params: readonly unknown[]): ReadAnswer | undefined => {
    const s = state(chain)
    if (s === undefined) return undefined
    s.following.noteRead(performance.now())
    const head = s.following.stale() ? undefined : s.watch.current()
    if (head === undefined) return undefined
    const plan = planRead(chain, method, params, head)
    return plan._tag === "read" ? cached(chain, s, plan) : undefined
  }

  const read = (chain: ReadChain, method: string, params: readonly unknown[]): Effect.Effect<ReadAnswer> =>
    Effect.gen(function* () {
      const s = state(chain)
      if (s === undefined) {
        return { _tag: "error", error: { code: unavailableCode, message: `gateway: this host has no ${chain} node; add one to its nodes list in the config` }, unavailable: true, outcome: "miss", hedged: false } as const
      }
      s.following.noteRead(performance.now())
      const head = s.following.stale() || s.watch.current() === undefined ? yield* wake(chain) : s.watch.current()
      if (head === undefined) {
        return { _tag: "error", error: { code: unavailableCode, message: `gateway: the ${chain} head is not known yet (no node answered); retry shortly` }, unavailable: true, outcome: "miss", hedged: false } as const
      }
      const plan = planRead(chain, method, params, head)
      if (plan._tag !== "read") return { _tag: "refused", refusal: plan } as const
      // A head that is still stale (its wake failed) vouches for no kept answer: ask the node.
      const kept = s.following.stale() ? undefined : cached(chain, s, plan)
      if (kept !== undefined) return kept
      const { fetched, merged } = yield* fetchMerged(chain, plan)
      const outcome: ReadOutcome = merged ? "merged" : "miss"
      m.reads.inc({ chain, outcome })
      if (!fetched.ok) {
        return { _tag: "error", error: rpcErrorOf(fetched.error), unavailable: fetched.error._tag !== "NodeRejected", ...(fetched.node === undefined ? {} : { node: fetched.node }), outcome, hedged: fetched.hedged } as const
      }
      const scope = scopeOf(plan, fetched.result, head)
      return { _tag: "result", json: JSON.stringify(fetched.result) ?? "null", node: fetched.node, ...(scope.block === undefined ? {} : { block: scope.block }), outcome, hedged: fetched.hedged } as const
    })

  return {
    chains,
    settings,
    peek,
    read,
    head: (chain) => state(chain)?.watch.current(),
    admit: () => {
      const admission = gate.admit(performance.now())
      if (admission._tag === "refused") m.deferred.inc({ outcome: "refused" })
      else if (admission.waitMs > 0) m.deferred.inc({ outcome: "waited" })
      return admission
    },
    writesComing: () => gate.writesComing(performance.now()),
    noteWrite: (chain) => {
      const s = state(chain)
      if (s === undefined) return
      s.epoch += 1
      if (s.cache.dropWallet() > 0) showSize(chain)
    },
    follow: Effect.asVoid(
      Effect.forEach(
        chains,
        (c) => Effect.repeat(Effect.suspend(() => (state(c)?.following.pollDue(performance.now()) === false ? Effect.void : followOnce(c))), headPoll(settings.headPollMs)),
        { concurrency: "unbounded" },
      ),
    ).pipe(Effect.andThen(Effect.never)),
  }
}
