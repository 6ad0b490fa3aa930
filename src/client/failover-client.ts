/**
 * The failover client of paper B: it finds the service through the ServiceRegistry,
 * follows its NewLocation events, and submits numbers to the leader. With retry on, a
 * submit that finds no serving leader re-reads the registry and tries again, under the
 * same request id so the service applies it at most once, until its deadline; with
 * retry off it makes exactly one attempt (paper B's client, as in its Table 2). After
 * `claimAfterFailures` unanswered attempts at the registry's location it files one claim.
 * Expected failures are answered as data, never thrown.
 */
import { Effect } from "effect"
import { accountFromKey, closeEthereumNode, type EthereumAccount, makeEthereumNode } from "../adapters/ethereum.ts"
import { getServiceMembers, registryAt } from "../registry/index.ts"
import { fileClaim, type ClaimOutcome } from "./claim-sender.ts"
import { type ClientCounters, makeCounters } from "./client-counters.ts"
import { checkClientOptions, type FailoverClientOptions, InvalidClientOptions, type ResolvedClientOptions } from "./client-options.ts"
import type { KnownLocation } from "./location-fold.ts"
import { isNoLocation, makeLocationTracker, type NoLocation } from "./location-tracker.ts"
import { lookupAt, type RequestLookup } from "./request-lookup.ts"
import { getJson, postNumber } from "./service-http.ts"
import type { ServiceAnswer } from "./service-answer.ts"
import {
  afterReread,
  deadlinePassed,
  decideAfterAnswer,
  decideWithoutLocation,
  followMove,
  lastReasonOf,
  startSubmit,
  startTarget,
  throughMembers,
  hedgeMember,
  answeredByMember,
  type SubmitPolicy,
  type SubmitState,
  type Target,
} from "./submit-decision.ts"
import type { SubmitResult, UnreachableReason } from "./submit-result.ts"

/** A replica's applied numbers, as GET /v1/numbers answers them. */
export interface NumberListing {
  readonly _tag: "Numbers"
  readonly location: string
  readonly node: string
  /** The last index the replica applied. */
  readonly lpi: number
  readonly numbers: ReadonlyArray<number>
}

/** A read from the service that got no usable answer. */
export interface ReadFailed {
  readonly _tag: "ReadFailed"
  readonly location: string
  readonly detail: string
}

/** `claim()` without a claim key. */
export interface NoClaimKey {
  readonly _tag: "NoClaimKey"
}

/** The client. Its promises never reject for failures the service or the chain can cause. */
export interface FailoverClient {
  /** Applies `number` once, under `requestId` (a fresh UUID when left out). */
  readonly submit: (number: number, requestId?: string) => Promise<SubmitResult>
  /** Reads the registry now: the location and epoch, or why there is none. */
  readonly locate: () => Promise<KnownLocation | NoLocation>
  /** The replica set this client would hedge to: `members` when given, else what the registry publishes now (empty: none published, or unreadable). */
  readonly members: () => Promise<ReadonlyArray<string>>
  /** The numbers applied by the replica at the service's location (the leader's list). */
  readonly list: () => Promise<NumberListing | ReadFailed | NoLocation>
  /**
   * Whether `requestId` was applied, asked of the replica at the service's location
   * (GET /v1/requests/:id) without resubmitting it: how to learn the outcome of a submit
   * that gave up. "Unknown" holds as of that replica's lpi (and its 4096-request window).
   */
  readonly lookup: (requestId: string) => Promise<RequestLookup | NoLocation>
  /** Files one claim against the registry's current location now and waits for it. */
  readonly claim: () => Promise<ClaimOutcome | NoLocation | NoClaimKey>
  /** Counters so far. */
  readonly counters: () => ClientCounters
  /** Claims filed in the background that have completed, oldest first. */
  readonly claimOutcomes: () => ReadonlyArray<ClaimOutcome>
  /** Resolves once every claim filed so far has completed. */
  readonly settled: () => Promise<void>
  /** Stops polling, waits for claims in flight and closes the node connection. Safe to call twice. */
  readonly close: () => Promise<void>
}

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve())

const isNumberArray = (v: unknown): v is ReadonlyArray<number> => Array.isArray(v) && v.every((n) => typeof n === "number")

/**
 * The first answer of an attempt and, if it is still unanswered after `hedgeAfterMs` (or
 * found no one sooner: refused, unreachable), of a hedge sent then: whichever answers
 * first (a NoAnswer counts only when both have none, and then the first attempt's is
 * kept). The loser runs on; it carries the same request id, so it is applied at most once.
 */
const firstAnswer = async (first: Promise<ServiceAnswer>, hedgeAfterMs: number, hedge: () => Promise<ServiceAnswer>): Promise<{ readonly answer: ServiceAnswer; readonly from: "first" | "hedge"; readonly hedged: boolean }> => {
  let timer: ReturnType<typeof setTimeout> | undefined
  const early = await Promise.race([first.then((a) => ({ a })), new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), hedgeAfterMs) })])
  clearTimeout(timer)
  if (early !== undefined && early.a._tag !== "NoAnswer") return { answer: early.a, from: "first", hedged: false }
  const second = hedge()
  const answered = (p: Promise<ServiceAnswer>, from: "first" | "hedge") => p.then((a) => (a._tag === "NoAnswer" ? new Promise<never>(() => undefined) : { answer: a, from, hedged: true }))
  const neither = Promise.all([first, second]).then(([a, b]) => (a._tag === "NoAnswer" && b._tag === "NoAnswer" ? { answer: a, from: "first" as const, hedged: true } : new Promise<never>(() => undefined)))
  return Promise.race([answered(first, "first"), answered(second, "hedge"), neither])
}

/** How old the registry's replica set may get before a submit reads it again; an empty one, how soon. */
const membersRereadMs = 60_000
const emptyMembersRereadMs = 5_000

/**
 * Makes a client. Throws InvalidClientOptions for options that cannot work (a bad
 * address or key); everything after that is answered, not thrown.
 */
export const makeFailoverClient = (options: FailoverClientOptions): FailoverClient => {
  const checked = checkClientOptions(options)
  if (checked instanceof InvalidClientOptions) throw checked
  const opts: ResolvedClientOptions = checked
  const node = makeEthereumNode({ name: opts.rpcUrl, url: opts.rpcUrl, chainId: opts.chainId, pollingIntervalMs: Math.min(opts.pollIntervalMs, 250) })
  const registry = registryAt(node, opts.registryAddress, opts.confirmations, opts.claimTimeoutMs)
  const claimant: EthereumAccount | undefined = opts.claimKey === undefined ? undefined : accountFromKey(node, opts.claimKey)
  const tracker = makeLocationTracker(registry, opts.serviceId, opts.confirmations, opts.pollIntervalMs)
  const counters = makeCounters()
  const policy: SubmitPolicy = {
    retry: opts.retry,
    claimAfterFailures: opts.claimAfterFailures,
    canClaim: claimant !== undefined,
    backoff: opts.backoff,
    maxRedirects: opts.maxRedirects,
  }
  const outcomes: Array<ClaimOutcome> = []
  const pending = new Set<Promise<void>>()
  /** Where the last submit ended up, so unanswered attempts add up across submits. */
  let carried: Target | undefined
  let closed = false

  const record = (outcome: ClaimOutcome) => {
    outcomes.push(outcome)
    counters.bump(outcome._tag === "Claimed" ? "claimsConfirmed" : outcome._tag === "Refused" ? "claimsRefused" : "claimsFailed")
  }

  /** `location@epoch` pairs already claimed: concurrent submits decide alone, but the client claims each once. */
  const claimed = new Set<string>()

  const fireClaim = (location: string | undefined, epoch: bigint) => {
    const key = `${location}@${epoch}`
    if (location === undefined || claimant === undefined || claimed.has(key)) return
    claimed.add(key)
    counters.bump("claims")
    const p: Promise<void> = fileClaim(registry, claimant, opts.serviceId, location).then(record)
    pending.add(p)
    void p.finally(() => pending.delete(p))
  }

  const finish = (result: SubmitResult): SubmitResult => {
    if (result.ok) {
      counters.bump("applied")
      if (result.duplicate) counters.bump("duplicates")
    } else {
      counters.bump("failed")
    }
    return result
  }

  /** The replica set the registry published, and when it was read. */
  let published: { readonly members: ReadonlyArray<string>; readonly at: number } | undefined

  /**
   * The members an attempt may also go to: `members` when given, else the set the
   * registry publishes (read at the first submit and again once it is a minute old; a
   * failed read keeps the last one). Paper B's client uses none.
   */
  const membersNow = async (): Promise<ReadonlyArray<string>> => {
    if (!opts.retry && !opts.forwardToLeader) return []
    if (opts.members.length > 0) return opts.members
    // An empty set is read again sooner: the leader publishes it a block after its location.
    const ttl = published !== undefined && published.members.length > 0 ? membersRereadMs : emptyMembersRereadMs
    if (published === undefined || Date.now() - published.at >= ttl) await readMembers()
    return published?.members ?? []
  }

  const readMembers = async (): Promise<ReadonlyArray<string>> => {
    const read = await Effect.runPromise(Effect.result(getServiceMembers(registry, opts.serviceId)))
    published = { members: read._tag === "Success" ? read.success : (published?.members ?? []), at: Date.now() }
    return published.members
  }

  const locate = async (): Promise<KnownLocation | NoLocation> => {
    tracker.start()
    return tracker.reread()
  }

  const submit = async (number: number, requestId: string = crypto.randomUUID()): Promise<SubmitResult> => {
    counters.bump("submits")
    tracker.start()
    const started = Date.now()
    const budget = opts.retry ? opts.deadlineMs : opts.requestTimeoutMs
    const clock = () => {
      const elapsedMs = Date.now() - started
      return { elapsedMs, remainingMs: budget - elapsedMs }
    }
    let known = tracker.current()
    for (let waits = 0; known === undefined; waits++) {
      const read = await tracker.reread()
      if (!isNoLocation(read)) {
        known = read
        break
      }
      const step = decideWithoutLocation(policy, requestId, 0, waits, `${read.detail}`, clock())
      if (step._tag === "Finish") return finish(step.result)
      counters.bump("retries")
      await sleep(step.delayMs)
    }
    const members = await membersNow()
    const spread = Math.floor(Math.random() * Math.max(1, members.length))
    let state: SubmitState = startSubmit(requestId, startTarget(known, carried))
    let last: UnreachableReason = "timeout"
    for (;;) {
      state = followMove(state, tracker.current())
      const before = clock()
      if (before.remainingMs <= 0) return finish(deadlinePassed(state, before, last))
      const timeoutMs = Math.min(opts.requestTimeoutMs, before.remainingMs)
      const body = { request_id: requestId, number }
      const first = postNumber(state.target.location, body, timeoutMs, opts.forwardToLeader || state.target.viaMember === true)
      // Paper B's one-shot client asks one location; the retrying client and the one-shot client that any replica serves also ask a member when it is silent.
      const member = opts.retry || opts.forwardToLeader ? hedgeMember(state, members, spread) : undefined
      let answer: ServiceAnswer
      if (member === undefined || opts.hedgeAfterMs >= timeoutMs) answer = await first
      else {
        const raced = await firstAnswer(first, opts.hedgeAfterMs, () => postNumber(member, body, Math.max(1, timeoutMs - opts.hedgeAfterMs), true))
        answer = raced.answer
        if (raced.hedged) counters.bump("hedges")
        if (raced.from === "hedge") state = answeredByMember(state, member)
      }
      counters.bump("attempts")
      state = { ...state, attempts: state.attempts + 1 }
      last = lastReasonOf(answer)
      const step = decideAfterAnswer(policy, state, answer, clock())
      if (step._tag === "Finish") {
        carried = step.target
        fireClaim(step.claim, step.target.epoch)
        return finish(step.result)
      }
      if (step._tag === "Redirect") {
        counters.bump("redirects")
        state = step.state
        carried = state.target
        continue
      }
      fireClaim(step.claim, step.state.target.epoch)
      counters.bump("retries")
      const waitFrom = Date.now()
      state = step.state
      if (step.reread) {
        const read = await tracker.reread()
        if (!isNoLocation(read)) state = afterReread(state, read)
      }
      state = throughMembers(step.state, state, members)
      carried = state.target
      const moved = state.target.location !== step.state.target.location
      if (!moved) await sleep(Math.min(step.delayMs - (Date.now() - waitFrom), clock().remainingMs))
    }
  }

  const list = async (): Promise<NumberListing | ReadFailed | NoLocation> => {
    const where = await locate()
    if (isNoLocation(where)) return where
    const location = where.location
    const reply = await getJson(location, "/v1/numbers", opts.requestTimeoutMs)
    if (reply._tag === "NoAnswer") return { _tag: "ReadFailed", location, detail: `${reply.kind}: ${reply.detail}` }
    const body = typeof reply.body === "object" && reply.body !== null ? (reply.body as Record<string, unknown>) : {}
    const numbers = body["numbers"]
    if (reply.status !== 200 || !isNumberArray(numbers) || typeof body["node"] !== "string") {
      return { _tag: "ReadFailed", location, detail: `HTTP ${reply.status} without a number list; is ${location} the sample service?` }
    }
    const lpi = typeof body["lpi"] === "number" ? body["lpi"] : numbers.length
    return { _tag: "Numbers", location, node: body["node"], lpi, numbers }
  }

  const lookup = async (requestId: string): Promise<RequestLookup | NoLocation> => {
    const where = await locate()
    if (isNoLocation(where)) return where
    return lookupAt(where.location, requestId, opts.requestTimeoutMs)
  }

  const claim = async (): Promise<ClaimOutcome | NoLocation | NoClaimKey> => {
    if (claimant === undefined) return { _tag: "NoClaimKey" }
    const where = await tracker.reread()
    if (isNoLocation(where)) return where
    counters.bump("claims")
    const outcome = await fileClaim(registry, claimant, opts.serviceId, where.location)
    record(outcome)
    return outcome
  }

  const settled = async () => {
    while (pending.size > 0) await Promise.all([...pending])
  }

  return {
    submit,
    locate,
    members: () => (opts.members.length > 0 ? Promise.resolve(opts.members) : readMembers()),
    list,
    lookup,
    claim,
    counters: () => counters.snapshot(tracker.counts()),
    claimOutcomes: () => [...outcomes],
    settled,
    close: async () => {
      if (closed) return
      closed = true
      tracker.stop()
      await settled()
      await Effect.runPromise(closeEthereumNode(node))
    },
  }
}
