/**
 * The failover client's decisions, as pure functions of the attempt so far and the
 * answer just received: finish, follow a 421 to the leader it names, or wait, re-read
 * the registry and try again under the same request id; and when to file a claim.
 * The client's loop only performs what these answer, so the tables in
 * submit-decision.test.ts are the client's behaviour.
 */
import { backoffDelayMs, type ClientBackoff } from "./backoff.ts"
import type { KnownLocation } from "./location-fold.ts"
import type { NoAnswerKind, ServiceAnswer } from "./service-answer.ts"
import type { SubmitResult, UnreachableReason } from "./submit-result.ts"

/** How the client behaves; fixed when it is made. */
export interface SubmitPolicy {
  /** false: exactly one attempt per submit (paper B's client, comparable to its Table 2). */
  readonly retry: boolean
  /** Consecutive unanswered attempts at the registry's location before the client claims against it. */
  readonly claimAfterFailures: number
  /** A claim key is configured. */
  readonly canClaim: boolean
  readonly backoff: ClientBackoff
  /** 421 redirects followed in a row before the client backs off and re-reads the registry instead. */
  readonly maxRedirects: number
}

/** Where the client sends, and what it has learnt about that place. */
export interface Target {
  readonly location: string
  /** The registry's epoch for the location the client last read or followed. */
  readonly epoch: bigint
  /** The location is the registry's (a claim against it can be accepted), not a 421 hint. */
  readonly fromRegistry: boolean
  /** Attempts in a row at `location` that got no answer; carried from one submit to the next. */
  readonly unanswered: number
  /** A claim has been sent against `location` at `epoch`; the client sends one at most. */
  readonly claimed: boolean
  /** A member of the replica set tried instead of the registry's silent location: sent with `Gateway-Forward: leader`, so it relays to whoever leads. */
  readonly viaMember?: true
}

/** One submit in progress. */
export interface SubmitState {
  readonly requestId: string
  readonly target: Target
  readonly attempts: number
  /** Waits so far, for the backoff. */
  readonly retries: number
  readonly redirectStreak: number
  /** The registry's location (at its epoch) that left an attempt of this submit unanswered, while the registry still names it. */
  readonly registryDown?: { readonly location: string; readonly epoch: bigint }
}

/** Time as the decision sees it. */
export interface Clock {
  readonly elapsedMs: number
  /** Until the deadline; with retry off, the one attempt's timeout. */
  readonly remainingMs: number
}

/** What to do next. `claim` names a location to claim against (fired in the background). */
export type Step =
  | { readonly _tag: "Finish"; readonly result: SubmitResult; readonly target: Target; readonly claim: string | undefined }
  | { readonly _tag: "Redirect"; readonly state: SubmitState }
  | { readonly _tag: "Retry"; readonly state: SubmitState; readonly delayMs: number; readonly reread: boolean; readonly claim: string | undefined }

/** A member of the replica set, asked to relay to whoever leads (`epoch` is the registry's, kept for the moves that follow). */
const memberTarget = (location: string, epoch: bigint): Target => ({ location, epoch, fromRegistry: false, unanswered: 0, claimed: false, viaMember: true })

/** A fresh target at the registry's location. */
export const registryTarget = (known: KnownLocation): Target => ({ location: known.location, epoch: known.epoch, fromRegistry: true, unanswered: 0, claimed: false })

/**
 * The target a new submit starts from: the previous submit's, with its counters, while
 * the registry has not moved since (so unanswered attempts add up across submits, as in
 * the bench's one-attempt mode); otherwise the registry's location.
 */
export const startTarget = (known: KnownLocation, carried: Target | undefined): Target =>
  carried !== undefined && carried.epoch === known.epoch ? carried : registryTarget(known)

/** The first state of a submit. */
export const startSubmit = (requestId: string, target: Target): SubmitState => ({ requestId, target, attempts: 0, retries: 0, redirectStreak: 0 })

/**
 * After re-reading the registry (or learning a NewLocation): go to its location. The
 * counters survive only when it is the same location at the same epoch.
 */
export const afterReread = (state: SubmitState, known: KnownLocation | undefined): SubmitState => {
  if (known === undefined || known.location === "") return state
  const t = state.target
  if (t.location === known.location && t.epoch === known.epoch) return t.fromRegistry ? state : { ...state, target: { ...t, fromRegistry: true } }
  return { ...state, target: registryTarget(known) }
}

const noAnswerReason: Readonly<Record<NoAnswerKind, UnreachableReason>> = {
  timeout: "timeout",
  unreachable: "unreachable",
  "bad-answer": "bad-answer",
  "bad-location": "bad-location",
}

/** What went wrong with an answer that is not a success nor a refusal, as a failure reason. */
const reasonOf = (answer: ServiceAnswer): UnreachableReason => {
  switch (answer._tag) {
    case "NoAnswer":
      return noAnswerReason[answer.kind]
    case "NotLeader":
      return "not-leader"
    default:
      return "unavailable"
  }
}

const detailOf = (answer: ServiceAnswer): string => {
  switch (answer._tag) {
    case "NoAnswer":
      return answer.detail
    case "NotLeader":
      return answer.leader === null ? `not the leader (${answer.reason}), and no leader known` : `not the leader (${answer.reason}); ${answer.leader.node} at ${answer.leader.location} leads`
    case "Unavailable":
      return `HTTP ${answer.status}${answer.retryAfterMs === undefined ? "" : `, retry after ${answer.retryAfterMs} ms`}`
    default:
      return answer._tag
  }
}

/** Gives up when the deadline leaves no room for another wait. */
const timeoutOr = (step: Extract<Step, { _tag: "Retry" }>, clock: Clock, last: UnreachableReason): Step =>
  step.delayMs < clock.remainingMs
    ? step
    : {
        _tag: "Finish",
        result: {
          ok: false,
          _tag: "Timeout",
          requestId: step.state.requestId,
          attempts: step.state.attempts,
          location: step.state.target.location,
          afterMs: clock.elapsedMs,
          last,
        },
        target: step.state.target,
        claim: step.claim,
      }

/** The decision after attempt `state.attempts` (already counted) got `answer`. */
export const decideAfterAnswer = (policy: SubmitPolicy, state: SubmitState, answer: ServiceAnswer, clock: Clock): Step => {
  const answered = answer._tag !== "NoAnswer"
  const unanswered = answered ? 0 : state.target.unanswered + 1
  const claimNow = !answered && policy.canClaim && state.target.fromRegistry && !state.target.claimed && unanswered >= policy.claimAfterFailures
  const target: Target = { ...state.target, unanswered, claimed: state.target.claimed || claimNow }
  const claim = claimNow ? state.target.location : undefined
  const base = { requestId: state.requestId, attempts: state.attempts }
  switch (answer._tag) {
    case "Applied":
      return {
        _tag: "Finish",
        result: { ok: true, ...base, index: answer.index, node: answer.node, location: target.location, duplicate: answer.duplicate },
        target,
        claim,
      }
    case "Invalid":
      return { _tag: "Finish", result: { ok: false, _tag: "Rejected", ...base, field: answer.field, rule: answer.rule }, target, claim }
    default:
      break
  }
  const reason = reasonOf(answer)
  if (!policy.retry) {
    const result: SubmitResult =
      reason === "timeout"
        ? { ok: false, _tag: "Timeout", ...base, location: target.location, afterMs: clock.elapsedMs, last: reason }
        : { ok: false, _tag: "Unreachable", ...base, location: target.location, reason, detail: detailOf(answer) }
    return { _tag: "Finish", result, target, claim }
  }
  if (answer._tag === "NotLeader" && answer.leader !== null && answer.leader.location !== target.location && state.redirectStreak < policy.maxRedirects) {
    const hinted: Target = { location: answer.leader.location, epoch: target.epoch, fromRegistry: false, unanswered: 0, claimed: false }
    return { _tag: "Redirect", state: { ...state, target: hinted, redirectStreak: state.redirectStreak + 1 } }
  }
  const retries = state.retries + 1
  const backoff = backoffDelayMs(policy.backoff, retries)
  const delayMs = answer._tag === "Unavailable" && answer.retryAfterMs !== undefined ? Math.max(backoff, Math.min(answer.retryAfterMs, policy.backoff.maxMs)) : backoff
  return timeoutOr({ _tag: "Retry", state: { ...state, target, retries, redirectStreak: 0 }, delayMs, reread: true, claim }, clock, reason)
}

/**
 * When the registry named no location (unreadable, unknown service, empty location):
 * with retry off, fail at once; otherwise wait and read it again until the deadline.
 */
export const decideWithoutLocation = (
  policy: SubmitPolicy,
  requestId: string,
  attempts: number,
  retries: number,
  detail: string,
  clock: Clock,
): { readonly _tag: "Finish"; readonly result: SubmitResult } | { readonly _tag: "Wait"; readonly delayMs: number } => {
  const delayMs = backoffDelayMs(policy.backoff, retries + 1)
  if (policy.retry && delayMs < clock.remainingMs) return { _tag: "Wait", delayMs }
  return {
    _tag: "Finish",
    result: policy.retry
      ? { ok: false, _tag: "Timeout", requestId, attempts, location: undefined, afterMs: clock.elapsedMs, last: "no-location" }
      : { ok: false, _tag: "Unreachable", requestId, attempts, location: undefined, reason: "no-location", detail },
  }
}

/** The Timeout a submit ends with when its deadline passes before the next attempt. */
export const deadlinePassed = (state: SubmitState, clock: Clock, last: UnreachableReason): SubmitResult => ({
  ok: false,
  _tag: "Timeout",
  requestId: state.requestId,
  attempts: state.attempts,
  location: state.target.location,
  afterMs: clock.elapsedMs,
  last,
})

/** A move the NewLocation poll learnt while the submit was under way: follow it when its epoch is greater. */
export const followMove = (state: SubmitState, known: KnownLocation | undefined): SubmitState =>
  known !== undefined && known.epoch > state.target.epoch ? afterReread(state, known) : state

/** The failure reason an answer stands for, for the Timeout that may follow it. */
export const lastReasonOf = (answer: ServiceAnswer): UnreachableReason => reasonOf(answer)

/**
 * After a retry's re-read, when the client knows the replica set (`members`): while the
 * registry still names a location that left an attempt unanswered, the next attempt goes
 * to another member, which relays it to whichever replica leads now (the registry learns
 * of a new leader only when its NewLocation transaction is mined). A member that answered
 * (a 503 while no leader is known, say) is kept; one that did not gives way to the next.
 * Once the registry names another location or epoch, it wins again. `before` is the state
 * the retry decision gave, `after` the same after the re-read (afterReread).
 */
export const throughMembers = (before: SubmitState, after: SubmitState, members: readonly string[]): SubmitState => {
  const t = before.target
  const down = t.fromRegistry && t.unanswered > 0 ? { location: t.location, epoch: t.epoch } : before.registryDown
  if (members.length === 0 || down === undefined) return after
  const named = after.target.fromRegistry ? after.target : undefined
  if (named !== undefined && (named.location !== down.location || named.epoch !== down.epoch)) {
    const { registryDown: _, ...rest } = after
    return rest
  }
  if (t.viaMember === true && t.unanswered === 0) return { ...after, target: t, registryDown: down }
  const candidates = members.filter((m) => m !== down.location && !(t.viaMember === true && m === t.location))
  const next = candidates[before.attempts % Math.max(1, candidates.length)] ?? members.find((m) => m !== down.location)
  if (next === undefined) return { ...after, registryDown: down }
  return { ...after, target: memberTarget(next, down.epoch), registryDown: down }
}

/**
 * The member a retrying client also asks when the registry's location has not answered
 * an attempt within the hedge delay: another member of the replica set, which relays to
 * whoever leads now. The same request id goes to both, so it is applied at most once.
 * Undefined when the attempt already goes to a member, or no other member is known.
 * Each attempt asks the next member; `spread` (drawn per submit) picks where a submit
 * starts, so one-shot clients, which make one attempt, do not all ask the same member.
 */
export const hedgeMember = (state: SubmitState, members: readonly string[], spread = 0): string | undefined => {
  if (state.target.viaMember === true) return undefined
  const others = members.filter((m) => m !== state.target.location)
  return others[(state.attempts + spread) % Math.max(1, others.length)]
}

/** The state once a hedged attempt's answer came from `member` rather than the registry's silent location. */
export const answeredByMember = (state: SubmitState, member: string): SubmitState => ({
  ...state,
  target: memberTarget(member, state.target.epoch),
  registryDown: state.target.fromRegistry ? { location: state.target.location, epoch: state.target.epoch } : state.registryDown,
})
