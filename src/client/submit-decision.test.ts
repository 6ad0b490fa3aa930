import { describe, expect, test } from "bun:test"
import { CLIENT_BACKOFF } from "./backoff.ts"
import type { ServiceAnswer } from "./service-answer.ts"
import type { SubmitFailure } from "./submit-result.ts"
import {
  afterReread,
  type Clock,
  decideAfterAnswer,
  decideWithoutLocation,
  followMove,
  registryTarget,
  type Step,
  type SubmitPolicy,
  type SubmitState,
  startTarget,
  throughMembers,
  hedgeMember,
  answeredByMember,
} from "./submit-decision.ts"

const A = "http://10.77.0.11:8091"
const B = "http://10.77.0.12:8091"

const retrying: SubmitPolicy = { retry: true, claimAfterFailures: 3, canClaim: true, backoff: CLIENT_BACKOFF, maxRedirects: 3 }
const oneShot: SubmitPolicy = { ...retrying, retry: false }
const noKey: SubmitPolicy = { ...retrying, canClaim: false }

const atA = registryTarget({ location: A, epoch: 7n })
/** The state after `attempts` attempts at A with `unanswered` of them unanswered in a row. */
const state = (over: Partial<SubmitState> = {}, target: Partial<SubmitState["target"]> = {}): SubmitState => ({
  requestId: "r1",
  target: { ...atA, ...target },
  attempts: 1,
  retries: 0,
  redirectStreak: 0,
  ...over,
})
const clock: Clock = { elapsedMs: 40, remainingMs: 10_000 }

const applied: ServiceAnswer = { _tag: "Applied", index: 12, node: "n2", epoch: 7n, duplicate: false }
const again: ServiceAnswer = { _tag: "Applied", index: 12, node: "n2", epoch: 7n, duplicate: true }
const invalid: ServiceAnswer = { _tag: "Invalid", field: "number", rule: "an integer" }
const toB: ServiceAnswer = { _tag: "NotLeader", reason: "follower", leader: { node: "n3", location: B } }
const toSelf: ServiceAnswer = { _tag: "NotLeader", reason: "catching-up", leader: { node: "n1", location: A } }
const noLeader: ServiceAnswer = { _tag: "NotLeader", reason: "stepped-down", leader: null }
const busy: ServiceAnswer = { _tag: "Unavailable", status: 503, retryAfterMs: 1000 }
const busyNoHint: ServiceAnswer = { _tag: "Unavailable", status: 503, retryAfterMs: undefined }
const timeout: ServiceAnswer = { _tag: "NoAnswer", kind: "timeout", detail: "no answer within 2000 ms" }
const refused: ServiceAnswer = { _tag: "NoAnswer", kind: "unreachable", detail: "ECONNREFUSED" }
const notOurs: ServiceAnswer = { _tag: "NoAnswer", kind: "bad-answer", detail: "HTTP 404" }

/** Why a failure failed, when it says. */
const reasonOf = (failure: SubmitFailure): string | undefined => {
  switch (failure._tag) {
    case "Unreachable":
      return failure.reason
    case "Timeout":
      return failure.last
    case "Rejected":
      return undefined
  }
}

/** The parts of a step a table row states. */
const summary = (step: Step) => {
  switch (step._tag) {
    case "Finish":
      return { do: "finish", result: step.result.ok ? "ok" : step.result._tag, ...(step.result.ok ? {} : { reason: reasonOf(step.result) }), claim: step.claim, unanswered: step.target.unanswered }
    case "Redirect":
      return { do: "redirect", to: step.state.target.location, fromRegistry: step.state.target.fromRegistry }
    case "Retry":
      return { do: "retry", delayMs: step.delayMs, reread: step.reread, claim: step.claim, unanswered: step.state.target.unanswered }
  }
}

describe("decideAfterAnswer", () => {
  const cases: ReadonlyArray<readonly [string, SubmitPolicy, SubmitState, ServiceAnswer, Clock, ReturnType<typeof summary>]> = [
    ["applied finishes", retrying, state(), applied, clock, { do: "finish", result: "ok", claim: undefined, unanswered: 0 }],
    ["a duplicate is still a success", retrying, state(), again, clock, { do: "finish", result: "ok", claim: undefined, unanswered: 0 }],
    ["applied resets the unanswered streak", retrying, state({}, { unanswered: 2 }), applied, clock, { do: "finish", result: "ok", claim: undefined, unanswered: 0 }],
    ["invalid is rejected, never retried", retrying, state(), invalid, clock, { do: "finish", result: "Rejected", reason: undefined, claim: undefined, unanswered: 0 }],
    ["421 naming another leader redirects there", retrying, state(), toB, clock, { do: "redirect", to: B, fromRegistry: false }],
    ["421 naming itself backs off and re-reads", retrying, state(), toSelf, clock, { do: "retry", delayMs: 100, reread: true, claim: undefined, unanswered: 0 }],
    ["421 with no leader backs off and re-reads", retrying, state(), noLeader, clock, { do: "retry", delayMs: 100, reread: true, claim: undefined, unanswered: 0 }],
    ["the 4th redirect in a row backs off instead", retrying, state({ redirectStreak: 3 }), toB, clock, { do: "retry", delayMs: 100, reread: true, claim: undefined, unanswered: 0 }],
    ["503 waits Retry-After (capped at the backoff's max)", retrying, state(), busy, clock, { do: "retry", delayMs: 1000, reread: true, claim: undefined, unanswered: 0 }],
    ["503 without Retry-After backs off", retrying, state({ retries: 2 }), busyNoHint, clock, { do: "retry", delayMs: 400, reread: true, claim: undefined, unanswered: 0 }],
    ["a timeout re-reads and retries", retrying, state(), timeout, clock, { do: "retry", delayMs: 100, reread: true, claim: undefined, unanswered: 1 }],
    ["refused re-reads and retries", retrying, state({}, { unanswered: 1 }), refused, clock, { do: "retry", delayMs: 100, reread: true, claim: undefined, unanswered: 2 }],
    ["the 3rd unanswered attempt claims the registry's location", retrying, state({}, { unanswered: 2 }), refused, clock, { do: "retry", delayMs: 100, reread: true, claim: A, unanswered: 3 }],
    ["a 404 counts as unanswered (not the service)", retrying, state({}, { unanswered: 2 }), notOurs, clock, { do: "retry", delayMs: 100, reread: true, claim: A, unanswered: 3 }],
    ["only one claim per location and epoch", retrying, state({}, { unanswered: 5, claimed: true }), refused, clock, { do: "retry", delayMs: 100, reread: true, claim: undefined, unanswered: 6 }],
    ["no claim without a key", noKey, state({}, { unanswered: 2 }), refused, clock, { do: "retry", delayMs: 100, reread: true, claim: undefined, unanswered: 3 }],
    ["no claim against a 421 hint (the contract would say ClaimForOldLocation)", retrying, state({}, { fromRegistry: false, unanswered: 2 }), refused, clock, { do: "retry", delayMs: 100, reread: true, claim: undefined, unanswered: 3 }],
    ["backoff doubles and is capped", retrying, state({ retries: 9 }), timeout, clock, { do: "retry", delayMs: 1000, reread: true, claim: undefined, unanswered: 1 }],
    ["no room before the deadline: Timeout naming the last problem", retrying, state(), refused, { elapsedMs: 29_950, remainingMs: 50 }, { do: "finish", result: "Timeout", reason: "unreachable", claim: undefined, unanswered: 1 }],
    ["a claim due at the deadline is still sent", retrying, state({}, { unanswered: 2 }), timeout, { elapsedMs: 30_000, remainingMs: 0 }, { do: "finish", result: "Timeout", reason: "timeout", claim: A, unanswered: 3 }],
    ["one-shot: applied finishes", oneShot, state(), applied, clock, { do: "finish", result: "ok", claim: undefined, unanswered: 0 }],
    ["one-shot: a timeout is a Timeout", oneShot, state(), timeout, clock, { do: "finish", result: "Timeout", reason: "timeout", claim: undefined, unanswered: 1 }],
    ["one-shot: refused is Unreachable", oneShot, state(), refused, clock, { do: "finish", result: "Unreachable", reason: "unreachable", claim: undefined, unanswered: 1 }],
    ["one-shot: a 421 is not followed", oneShot, state(), toB, clock, { do: "finish", result: "Unreachable", reason: "not-leader", claim: undefined, unanswered: 0 }],
    ["one-shot: 503 is Unreachable", oneShot, state(), busy, clock, { do: "finish", result: "Unreachable", reason: "unavailable", claim: undefined, unanswered: 0 }],
    ["one-shot: failures across submits add up to a claim", oneShot, state({}, { unanswered: 2 }), refused, clock, { do: "finish", result: "Unreachable", reason: "unreachable", claim: A, unanswered: 3 }],
  ]
  test.each(cases)("%s", (_name, policy, before, answer, now, expected) => {
    expect(summary(decideAfterAnswer(policy, before, answer, now))).toEqual(expected)
  })

  test("a success carries the request id, index, node, location and attempts", () => {
    expect(decideAfterAnswer(retrying, state({ attempts: 4 }), again, clock)).toMatchObject({
      _tag: "Finish",
      result: { ok: true, requestId: "r1", index: 12, node: "n2", location: A, attempts: 4, duplicate: true },
    })
  })

  test("a rejection names the field and the rule", () => {
    expect(decideAfterAnswer(retrying, state(), invalid, clock)).toMatchObject({
      result: { ok: false, _tag: "Rejected", requestId: "r1", attempts: 1, field: "number", rule: "an integer" },
    })
  })

  test("a redirect keeps the request id and the registry's epoch", () => {
    const step = decideAfterAnswer(retrying, state(), toB, clock)
    expect(step).toMatchObject({ _tag: "Redirect", state: { requestId: "r1", redirectStreak: 1, target: { location: B, epoch: 7n, unanswered: 0, claimed: false } } })
  })
})

describe("after a registry read", () => {
  const cases: ReadonlyArray<readonly [string, SubmitState, { location: string; epoch: bigint } | undefined, Partial<SubmitState["target"]>]> = [
    ["an unreadable registry changes nothing", state({}, { unanswered: 2 }), undefined, { location: A, unanswered: 2 }],
    ["the same location and epoch keeps the streak", state({}, { unanswered: 2, claimed: true }), { location: A, epoch: 7n }, { location: A, unanswered: 2, claimed: true }],
    ["a new location starts afresh", state({}, { unanswered: 3, claimed: true }), { location: B, epoch: 9n }, { location: B, epoch: 9n, unanswered: 0, claimed: false, fromRegistry: true }],
    ["the same location at a new epoch starts afresh", state({}, { unanswered: 3, claimed: true }), { location: A, epoch: 9n }, { location: A, epoch: 9n, unanswered: 0, claimed: false }],
    ["a failed 421 hint falls back to the registry", state({}, { location: B, fromRegistry: false, unanswered: 1 }), { location: A, epoch: 7n }, { location: A, fromRegistry: true, unanswered: 0 }],
    ["an empty location is no location", state(), { location: "", epoch: 9n }, { location: A, epoch: 7n }],
  ]
  test.each(cases)("%s", (_name, before, read, expected) => {
    expect(afterReread(before, read).target).toMatchObject(expected)
  })

  test("a NewLocation learnt mid-submit is followed only for a greater epoch", () => {
    const hinted = state({}, { location: B, fromRegistry: false })
    expect(followMove(hinted, { location: A, epoch: 7n }).target.location).toBe(B)
    expect(followMove(hinted, { location: "http://10.77.0.13:8091", epoch: 8n }).target).toMatchObject({ location: "http://10.77.0.13:8091", epoch: 8n, fromRegistry: true })
    expect(followMove(hinted, undefined)).toBe(hinted)
  })

  test("a new submit carries the last target while the registry has not moved", () => {
    const carried = { ...atA, unanswered: 2 }
    expect(startTarget({ location: A, epoch: 7n }, carried)).toBe(carried)
    expect(startTarget({ location: B, epoch: 8n }, carried)).toEqual(registryTarget({ location: B, epoch: 8n }))
    expect(startTarget({ location: A, epoch: 7n }, undefined)).toEqual(atA)
  })
})

describe("decideWithoutLocation", () => {
  test.each([
    ["retry waits and reads again", retrying, 0, clock, { _tag: "Wait", delayMs: 100 }],
    ["retry gives up at the deadline", retrying, 0, { elapsedMs: 30_000, remainingMs: 10 }, { _tag: "Finish", result: { ok: false, _tag: "Timeout", requestId: "r1", attempts: 0, location: undefined, afterMs: 30_000, last: "no-location" } }],
    ["one-shot fails at once", oneShot, 0, clock, { _tag: "Finish", result: { ok: false, _tag: "Unreachable", requestId: "r1", attempts: 0, location: undefined, reason: "no-location", detail: "UnknownService" } }],
  ] as const)("%s", (_name, policy, retries, now, expected) => {
    expect(decideWithoutLocation(policy, "r1", 0, retries, "UnknownService", now)).toEqual(expected)
  })
})

describe("throughMembers: the replica set while the registry's location is silent", () => {
  const C = "http://10.77.0.13:8091"
  const members = [A, B, C]
  const silentAtA = state({ attempts: 1 }, { unanswered: 1 })
  test("no members known: the re-read decides, as before", () => {
    expect(throughMembers(silentAtA, silentAtA, [])).toBe(silentAtA)
  })
  test("the registry still names the silent location: the next attempt goes to another member, through its relay", () => {
    const next = throughMembers(silentAtA, silentAtA, members)
    expect(next.target).toEqual({ location: C, epoch: 7n, fromRegistry: false, unanswered: 0, claimed: false, viaMember: true })
    expect(next.registryDown).toEqual({ location: A, epoch: 7n })
  })
  test("a member that answered (503: no leader yet) is kept, though the re-read named the silent location again", () => {
    const atMember = state({ attempts: 2, registryDown: { location: A, epoch: 7n } }, { location: B, fromRegistry: false, viaMember: true, unanswered: 0 })
    const reread = afterReread(atMember, { location: A, epoch: 7n })
    expect(reread.target.location).toBe(A)
    expect(throughMembers(atMember, reread, members).target).toMatchObject({ location: B, viaMember: true })
  })
  test("a member that did not answer either gives way to another one, never the silent location", () => {
    const silentMember = state({ attempts: 2, registryDown: { location: A, epoch: 7n } }, { location: B, fromRegistry: false, viaMember: true, unanswered: 1 })
    const next = throughMembers(silentMember, afterReread(silentMember, { location: A, epoch: 7n }), members)
    expect(next.target).toMatchObject({ location: C, viaMember: true })
  })
  test("the registry names a new leader: it wins, and the silent location is forgotten", () => {
    const atMember = state({ attempts: 3, registryDown: { location: A, epoch: 7n } }, { location: B, fromRegistry: false, viaMember: true, unanswered: 0 })
    const moved = afterReread(atMember, { location: C, epoch: 9n })
    const next = throughMembers(atMember, moved, members)
    expect(next.target).toEqual({ location: C, epoch: 9n, fromRegistry: true, unanswered: 0, claimed: false })
    expect(next.registryDown).toBeUndefined()
  })
  test("an answered attempt at the registry's location leaves the registry in charge", () => {
    const answered = state({ attempts: 1 }, { unanswered: 0 })
    expect(throughMembers(answered, answered, members)).toBe(answered)
  })
})

describe("hedging a silent registry location with a member", () => {
  const C = "http://10.77.0.13:8091"
  test("the hedge goes to another member, turning with the attempts, and never from a member", () => {
    expect(hedgeMember(state({ attempts: 0 }), [A, B, C])).toBe(B)
    expect(hedgeMember(state({ attempts: 1 }), [A, B, C])).toBe(C)
    // A submit's spread moves where it starts: another one-shot client asks the other member first.
    expect(hedgeMember(state({ attempts: 0 }), [A, B, C], 1)).toBe(C)
    expect(hedgeMember(state({ attempts: 1 }), [A, B, C], 1)).toBe(B)
    expect(hedgeMember(state(), [A])).toBeUndefined()
    expect(hedgeMember(state({}, { location: B, fromRegistry: false, viaMember: true }), [A, B, C])).toBeUndefined()
  })
  test("a member's answer moves the submit there, remembering the silent registry location", () => {
    const next = answeredByMember(state(), B)
    expect(next.target).toEqual({ location: B, epoch: 7n, fromRegistry: false, unanswered: 0, claimed: false, viaMember: true })
    expect(next.registryDown).toEqual({ location: A, epoch: 7n })
  })
})
