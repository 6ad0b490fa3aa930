/**
 * Every error the dashboard API answers, in the intake's shape: `{ error, message, ... }`
 * with a stable code to switch on and a message saying what to do next. One table maps
 * each registry refusal to its status and the contract rule it names (NotManager is a
 * 403 naming `onlyManagers`, StaleEpoch a 409 with the epoch the registry holds, ...).
 */
import type { FieldError } from "../intake/validate/field-error.ts"
import type { ActionError } from "./dashboard-deps.ts"

/** An error answer: its status, body and extra headers. */
export interface DashboardError {
  readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 502 | 503 | 504
  readonly body: { readonly error: string; readonly message: string } & Readonly<Record<string, unknown>>
  readonly headers?: Readonly<Record<string, string>>
}

/** Turns an error answer into a JSON response. */
export const dashboardErrorResponse = (e: DashboardError): Response =>
  new Response(JSON.stringify(e.body), { status: e.status, headers: { "content-type": "application/json", ...e.headers } })

/** 400 for a form: the first broken rule's field and rule at the top, all of them in `errors`; nothing was sent. */
export const invalidInput = (errors: ReadonlyArray<FieldError>): DashboardError => {
  const first = errors[0] ?? { field: "body", rule: "a valid action", message: "body: is not a valid action" }
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem(s), listed in "errors")` : ""
  return { status: 400, body: { error: "invalid_request", message: `${first.message}${more}; nothing was sent to the registry`, field: first.field, rule: first.rule, errors } }
}

const refusal = (status: DashboardError["status"], error: string, rule: string, message: string, extra: Readonly<Record<string, unknown>> = {}): DashboardError => ({
  status,
  body: { error, rule, message, ...extra },
})

/** The answer for a manager action that failed, by the failure's tag. */
export const actionErrorAnswer = (e: ActionError): DashboardError => {
  switch (e._tag) {
    case "InvalidRegistryArgument":
      return { status: 400, body: { error: "invalid_request", field: e.field, rule: e.expected, message: `${e.message}; nothing was sent to the registry` } }
    case "NotManager":
      return refusal(403, "not_manager", "onlyManagers: only a manager of the service may update it", e.message, { service_id: e.serviceId, account: e.account })
    case "UnknownService":
      return refusal(404, "unknown_service", "the service must be registered first", e.message, { service_id: e.serviceId })
    case "AlreadyRegistered":
      return refusal(409, "already_registered", "a service id is registered once", e.message, { service_id: e.serviceId })
    case "StaleEpoch":
      return refusal(409, "stale_epoch", `the epoch must be greater than the last one written (${e.lastEpoch})`, e.message, {
        service_id: e.serviceId,
        last_epoch: e.lastEpoch.toString(),
        given_epoch: e.givenEpoch.toString(),
      })
    case "AlreadyManager":
      return refusal(409, "already_manager", "an address is added as a manager once", e.message, { service_id: e.serviceId, account: e.account })
    case "UnknownManager":
      return refusal(409, "unknown_manager", "only a current manager can be removed", e.message, { service_id: e.serviceId, account: e.account })
    case "LastManager":
      return refusal(409, "last_manager", "a service keeps at least one manager", e.message, { service_id: e.serviceId })
    case "ZeroAddressManager":
      return refusal(400, "invalid_request", "not the zero address", e.message, { field: "account", service_id: e.serviceId })
    case "ClaimForOldLocation":
    case "ClaimTooSoon":
    case "ClaimLimitReached":
    case "InvalidClaimBound":
      return refusal(409, "claim_refused", "sendClaim is bounded", e.message)
    case "ManagerKeyMissing":
      return { status: 503, body: { error: "manager_key_missing", message: e.message, variable: e.env } }
    case "InsufficientFunds":
      return { status: 503, body: { error: "manager_unfunded", message: e.message, account: e.address } }
    case "NodeUnreachable":
    case "NodeOverloaded":
      return { status: 503, body: { error: "node_unavailable", message: `${e.message}; nothing was confirmed, try again shortly` }, headers: { "Retry-After": "5" } }
    case "NodeRejected":
      return { status: 502, body: { error: "node_rejected", message: e.message } }
    case "TransactionNotMined":
      return { status: 504, body: { error: "not_confirmed", message: `${e.message}; reload the service page to see whether it took effect`, tx_hash: e.hash } }
    case "NotARegistry":
    case "UnrecognisedRevert":
      return { status: 502, body: { error: "not_a_registry", message: e.message } }
  }
}
