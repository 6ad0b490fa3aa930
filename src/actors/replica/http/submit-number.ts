/**
 * `POST /v1/numbers`: checks the body (400 naming the field and the rule; nothing
 * reaches the replica), then submits it to the host's replica and answers once the entry
 * is applied here, with the index it took effect at. A repeated request id answers with
 * its first index (`duplicate: true`) and is never applied twice. A replica that is not
 * the serving leader answers 421 with the leader it knows; one that is catching up,
 * stopped, overloaded or too slow answers 503 with Retry-After.
 */
import type { Context } from "hono"
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
    const before = deps.replica.status()
    inFlight += 1
    metrics.inFlight.set(inFlight)
    try {
      const submitted = await within(deps.replica.submit(requestId, number), submitTimeoutMs)
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
      if (isSubmitError(e)) return errorResponse(refusal(deps, e))
      throw e
    } finally {
      inFlight -= 1
      metrics.inFlight.set(inFlight)
    }
  }
}
