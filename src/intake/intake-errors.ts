/**
 * Every error the intake answers, in one shape: `{ error, message, … }` where `error`
 * is a stable code a client can switch on and `message` says what to do next. Built
 * here so each route answers the same way and the OpenAPI document can describe it.
 */
import type { FieldError } from "./validate/field-error.ts"

/** The stable error codes. */
export type IntakeErrorCode =
  | "unauthorized"
  | "unsupported_media_type"
  | "payload_too_large"
  | "invalid_json"
  | "invalid_request"
  | "idempotency_key_reused"
  | "not_ready"
  | "overloaded"
  | "kafka_unavailable"
  | "kafka_ambiguous"
  | "not_found"
  | "write_method"
  | "rate_limited"
  | "unknown_method"
  | "not_cancellable"
  | "webhook_limit"

/** An error answer: its status, body and extra headers. */
export interface IntakeError {
  readonly status: 400 | 401 | 404 | 409 | 413 | 415 | 422 | 429 | 503
  readonly body: { readonly error: IntakeErrorCode; readonly message: string } & Readonly<Record<string, unknown>>
  readonly headers?: Readonly<Record<string, string>>
}

/** 400 for one body: the first error's field and rule at the top, all of them in `errors`. */
export const invalidRequest = (errors: readonly FieldError[]): IntakeError => {
  const first = errors[0] ?? { field: "body", rule: "valid request", message: "body: is not a valid request" }
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem(s), listed in "errors")` : ""
  return { status: 400, body: { error: "invalid_request", message: `${first.message}${more}`, field: first.field, rule: first.rule, errors } }
}

/** 400 for a batch: every bad item listed; nothing was accepted. */
export const invalidBatch = (errors: readonly FieldError[], items: number): IntakeError => {
  const bad = new Set(errors.map((e) => /^requests\[\d+\]/.exec(e.field)?.[0] ?? e.field)).size
  const what = items > 0 ? `${bad} of ${items} request(s) are invalid` : "the batch is invalid"
  return {
    status: 400,
    body: { error: "invalid_request", message: `${what}; nothing was accepted: fix every listed field and send the whole batch again`, errors },
  }
}

/**
 * 503 with Retry-After, for every "not now" answer. `kafka_ambiguous` is the one that
 * does not say "not accepted": the request reached Kafka without an ack.
 */
export const unavailable = (code: "not_ready" | "overloaded" | "kafka_unavailable" | "kafka_ambiguous", message: string, retryAfterS: number, extra: Readonly<Record<string, unknown>> = {}): IntakeError => ({
  status: 503,
  body: { error: code, message, retry_after_s: retryAfterS, ...extra },
  headers: { "Retry-After": String(retryAfterS) },
})

/** Any other error answer. */
export const intakeError = (status: IntakeError["status"], error: IntakeErrorCode, message: string, extra: Readonly<Record<string, unknown>> = {}, headers?: Readonly<Record<string, string>>): IntakeError => ({
  status,
  body: { error, message, ...extra },
  ...(headers ? { headers } : {}),
})

/** Turns an error answer into a JSON response. */
export const errorResponse = (e: IntakeError): Response =>
  new Response(JSON.stringify(e.body), { status: e.status, headers: { "content-type": "application/json", ...e.headers } })
