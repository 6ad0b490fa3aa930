/**
 * The service's error answers, one shape: `{"error": <code>, ...details}` with a message
 * that says what to do next. A 503 always carries Retry-After.
 */

/** An error answer: status, body, and extra headers. */
export interface ServiceError {
  readonly status: 400 | 404 | 413 | 421 | 500 | 503
  readonly body: Readonly<Record<string, unknown>>
  readonly headers?: Readonly<Record<string, string>>
}

/** The Response for an error answer. */
export const errorResponse = (e: ServiceError): Response =>
  new Response(JSON.stringify(e.body), { status: e.status, headers: { "content-type": "application/json", ...e.headers } })

/** 503 with Retry-After: nothing was applied, or (for a timeout) the outcome is not known yet. */
export const unavailable = (error: string, message: string, retryAfterS: number, extra: Readonly<Record<string, unknown>> = {}): ServiceError => ({
  status: 503,
  body: { error, message, ...extra },
  headers: { "retry-after": String(retryAfterS) },
})
