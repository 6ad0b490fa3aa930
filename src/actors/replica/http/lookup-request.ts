/**
 * `GET /v1/requests/:id`: whether a request id was applied on this replica, without
 * changing anything (unlike a resubmit, it can never apply the request). A client that
 * gave up on a request (timeout, no answer) asks the serving leader to learn its
 * outcome. It answers from the replica's dedupe window, which is replicated state, so
 * the answer is as of this replica's latest processed index (`lpi`, in every answer):
 * 200 with the index the request took effect at, 404 when the window does not hold it,
 * 400 for a malformed id.
 */
import type { Context } from "hono"
import { defaultDedupeCapacity } from "../dedupe.ts"
import { checkRequestId } from "./number-request.ts"
import type { ServiceReplica } from "./service-deps.ts"

/** Builds the handler for `replica`. */
export const lookupRequest = (replica: ServiceReplica) => (c: Context): Response => {
  const requestId = c.req.param("id") ?? ""
  const problem = checkRequestId(requestId)
  if (problem !== undefined) {
    return c.json({ error: "invalid_request", field: "request_id", rule: problem, message: `request_id ${problem}; nothing was looked up` }, 400)
  }
  const lpi = replica.status().lpi
  const index = replica.lookup(requestId)
  if (index !== undefined) return c.json({ request_id: requestId, index, node: replica.node, lpi })
  return c.json(
    {
      error: "unknown_request",
      request_id: requestId,
      node: replica.node,
      lpi,
      message:
        `request ${requestId} is not among the requests applied on ${replica.node} up to index ${lpi}. This replica's window holds the last ` +
        `${defaultDedupeCapacity} requests applied: an older request may have been applied and forgotten, and one still in flight may yet be applied; ` +
        "ask the serving leader, or resubmit with the same request_id (it is applied at most once)",
    },
    404,
  )
}
