/**
 * `POST /v1/numbers`: checks the body (400 naming the field and the rule; nothing
 * reaches the replica), then submits it to the host's replica and answers once the entry
 * is applied here, with the index it took effect at. A repeated request id answers with
 * its first index (`duplicate: true`) and is never applied twice. A replica that is not
 * the serving leader answers 421 with the leader it knows; one that is catching up,
 * stopped, overloaded or too slow answers 503 with Retry-After.
 *
 * A client that sends `Gateway-Forward: leader` asks any replica to serve it: a follower
 * that knows the leader relays the submission there and answers with the leader's own
 * answer (header `Gateway-Forwarded-To` names the leader), so a client whose first
 * replica is not the leader needs no second round. When the leader does not answer, the
 * follower holds the submission until the replicas elect another leader (or it leads
 * itself) and relays it there, within the submit timeout: a one-shot client is served
 * across the failover instead of failing with the leader it could not know was gone.
 * The request id is the same on every relay, so it is applied at most once. A relayed
 * request carries `Gateway-Forwarded-By` and is never relayed again (a replica that is
 * not the leader either answers 421). Paper B's client sends no such header and sees
 * the 421s it always did.
 */
import type { Context } from "hono"
import type { ForwardOutcome } from "../../../adapters/http-forward.ts"
import type { SubmitError } from "../errors.ts"
import { parseNumberRequest } from "./number-request.ts"
import type { ServiceDeps } from "./service-deps.ts"
import { errorResponse, type ServiceError, unavailable } from "./service-errors.ts"
import type { ServiceMetrics } from "./service-metrics.ts"

const isSubmitError = (e: unknown): e is SubmitError =>
  typeof e === "object" && e !== null && "_tag" in e && (e._tag === "NotLeader" || e._tag === "InvalidPayload" || e._tag === "MissingRequestId")

/** The answer for a refused submit. */
const refusal = (deps: ServiceDeps, e: SubmitError): ServiceError => {
  const retry = deps.limits.retryAfterS
  switch (e._tag) {
    case "NotLeader": {
      if (e.reason === "catching-up" || e.reason === "stopped") {
        return unavailable("not_serving", e.message, retry, { reason: e.reason })
      }
      const leader = e.leader && e.leader.node !== e.node ? { node: e.leader.node, location: e.leader.location } : null
      return { status: 421, body: { error: "not_leader", reason: e.reason, leader, message: e.message } }
    }
    case "InvalidPayload":
      return { status: 400, body: { error: "invalid_request", field: "number", rule: e.reason, message: e.message } }
    case "MissingRequestId":
      return { status: 400, body: { error: "invalid_request", field: "request_id", rule: "must not be empty", message: e.message } }
  }
}

const tooLarge = (max: number): ServiceError => ({
  status: 413,
  body: { error: "payload_too_large", message: `body over ${max} bytes; a request is {"request_id": string, "number": integer}` },
})

/** Resolves with `undefined` if `p` has not settled within `ms`. */
const within = <A>(p: Promise<A>, ms: number): Promise<A | undefined> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), ms)
    p.then(
      (v) => { clearTimeout(timer); resolve(v) },
      (e: unknown) => { clearTimeout(timer); reject(e) },
    )
  })

/** The header a client sends to be served by whichever replica it reaches. */
export const FORWARD_HEADER = "gateway-forward"
/** The header a relayed request carries, naming the replica that relayed it. */
export const FORWARDED_BY_HEADER = "gateway-forwarded-by"

/** The leader's answer as this replica's own, or a 503 saying why there is none. */
const relayed = (deps: ServiceDeps, leader: { readonly node: string; readonly location: string }, outcome: ForwardOutcome): Response => {
  const retry = deps.limits.retryAfterS
  switch (outcome._tag) {
    case "answered": {
      const headers: Record<string, string> = { "content-type": "application/json", "gateway-forwarded-to": leader.node }
      if (outcome.retryAfter !== null) headers["retry-after"] = outcome.retryAfter
      return new Response(outcome.body, { status: outcome.status, headers })
    }
    case "timeout":
      return errorResponse(unavailable("timeout", `relayed to the leader ${leader.node} at ${leader.location}, which did not answer within ${outcome.afterMs} ms; the outcome is unknown, so retry with the same request_id (it is applied at most once)`, retry, { leader }))
    case "unreachable":
      return errorResponse(unavailable("leader_unreachable", `the leader ${leader.node} at ${leader.location} could not be reached from here (${outcome.detail}); nothing was applied; retry with the same request_id`, retry, { leader }))
  }
}

/** Builds the handler; it counts its own in-flight submissions against `maxInFlight`. */
export const submitNumber = (deps: ServiceDeps, metrics: ServiceMetrics) => {
  let inFlight = 0
  return async (c: Context): Promise<Response> => {
    const started = performance.now()
    const { maxBodyBytes, maxInFlight, submitTimeoutMs, retryAfterS } = deps.limits
    if (Number(c.req.header("content-length") ?? 0) > maxBodyBytes) return errorResponse(tooLarge(maxBodyBytes))
    const text = await c.req.text()
    if (Buffer.byteLength(text) > maxBodyBytes) return errorResponse(tooLarge(maxBodyBytes))
    const check = parseNumberRequest(text)
    if (!check.ok) {
      const [first] = check.issues
      return c.json({ error: "invalid_request", field: first?.field, rule: first?.rule, issues: check.issues, message: `${first?.field}: ${first?.rule}; nothing was applied` }, 400)
    }
    if (inFlight >= maxInFlight) {
      return errorResponse(unavailable("overloaded", `${inFlight} submissions are waiting to be applied; nothing was applied, retry with the same request_id`, retryAfterS))
    }
    const { requestId, number } = check.value
    const deadline = started + submitTimeoutMs
    const wantsRelay = deps.forward !== undefined && c.req.header(FORWARD_HEADER) === "leader" && c.req.header(FORWARDED_BY_HEADER) === undefined
    // The last relay that found no answer, reported if no other leader serves in time.
    let unanswered: { readonly leader: Leader; readonly outcome: ForwardOutcome } | undefined
    inFlight += 1
    metrics.inFlight.set(inFlight)
    try {
      for (;;) {
        const before = deps.replica.status()
        try {
          const submitted = await within(deps.replica.submit(requestId, number), Math.max(1, deadline - performance.now()))
          if (submitted === undefined) {
            return errorResponse(unavailable("timeout", `not applied within ${submitTimeoutMs} ms; the outcome is unknown, so retry with the same request_id (it is applied at most once)`, retryAfterS))
          }
          metrics.submitSeconds.observe((performance.now() - started) / 1000)
          return c.json({
            request_id: requestId,
            index: submitted.index,
            node: deps.replica.node,
            epoch: deps.replica.status().epoch ?? before.epoch ?? null,
            // A new entry lands after everything applied before the submit; an earlier index is the first application of a repeat.
            duplicate: submitted.index <= before.lpi,
          })
        } catch (e) {
          if (!isSubmitError(e)) throw e
          const leader = e._tag === "NotLeader" && e.leader !== undefined && e.leader.node !== e.node && e.leader.location !== "" ? e.leader : undefined
          if (!wantsRelay || deps.forward === undefined || e._tag !== "NotLeader") return errorResponse(refusal(deps, e))
          if (leader === undefined) {
            // No leader known yet (an election, or this replica catching up to lead): wait for one.
            if ((await leaderChange(deps, undefined, deadline))._tag === "still") return unanswered === undefined ? errorResponse(refusal(deps, e)) : relayed(deps, unanswered.leader, unanswered.outcome)
          } else {
            const relay = deps.forward({ url: `${leader.location}/v1/numbers`, headers: { [FORWARDED_BY_HEADER]: deps.replica.node }, body: text, timeoutMs: Math.max(1, deadline - performance.now()) })
            const change = watchLeader(deps, leader.node, deadline)
            const first = await Promise.race([relay, change.moved])
            change.stop()
            switch (first._tag) {
              case "answered":
                metrics.forwarded.inc({ outcome: first._tag })
                // A leader that has just stepped down answers 421: wait for the next one, as for one that is gone.
                if (first.status !== 421) return relayed(deps, leader, first)
                unanswered = { leader, outcome: first }
                if ((await leaderChange(deps, leader.node, deadline))._tag === "still") return relayed(deps, leader, first)
                break
              case "still": {
                // The whole submit timeout passed with the relay unanswered: the outcome is unknown.
                const late = { _tag: "timeout", afterMs: Math.round(performance.now() - started) } as const
                metrics.forwarded.inc({ outcome: late._tag })
                return relayed(deps, leader, late)
              }
              case "moved":
                // Another leader was elected while the relay waited: relay there (the same request id, so applied at most once).
                metrics.forwarded.inc({ outcome: "superseded" })
                unanswered = { leader, outcome: { _tag: "timeout", afterMs: Math.round(performance.now() - started) } }
                break
              default:
                metrics.forwarded.inc({ outcome: first._tag })
                unanswered = { leader, outcome: first }
                // The leader is gone: wait for the next one, or this replica, to lead.
                if ((await leaderChange(deps, leader.node, deadline))._tag === "still") return relayed(deps, leader, first)
            }
          }
        }
      }
    } finally {
      inFlight -= 1
      metrics.inFlight.set(inFlight)
    }
  }
}

type Leader = { readonly node: string; readonly location: string }

/** How often a held submission looks for a new leader. */
const leaderPollMs = 50

/**
 * Watches for this replica to know a leader other than `from` (or to lead itself),
 * looking every `leaderPollMs` (never at once, so a submission whose replica changes its
 * mind between two looks cannot spin): `moved` resolves `moved` then, or `still` at
 * `deadline`; `stop` ends the watch early (its promise then never resolves).
 */
const watchLeader = (deps: ServiceDeps, from: string | undefined, deadline: number) => {
  let timer: ReturnType<typeof setInterval> | undefined
  const changed = () => {
    const s = deps.replica.status()
    return s.role === "leader" || (s.leader !== undefined && s.leader.node !== from && s.leader.node !== deps.replica.node)
  }
  const moved = new Promise<{ readonly _tag: "moved" | "still" }>((resolve) => {
    timer = setInterval(() => {
      const done = performance.now() >= deadline ? "still" : changed() ? "moved" : undefined
      if (done === undefined) return
      clearInterval(timer)
      resolve({ _tag: done })
    }, leaderPollMs)
  })
  return { moved, stop: () => clearInterval(timer) }
}

/** `watchLeader(...).moved`, watched to the end. */
const leaderChange = (deps: ServiceDeps, from: string | undefined, deadline: number) => watchLeader(deps, from, deadline).moved
