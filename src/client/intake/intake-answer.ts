/**
 * How the client reads one answer of the intake: accepted, refused for good (the body
 * or the key is wrong: retrying changes nothing), or "not now" (retry under the same
 * Idempotency-Key, after `Retry-After`). The table is pure, so it is tested without a
 * socket; the HTTP loop in `gateway-client.ts` only follows it.
 */
import { retryAfterMs } from "./retry-after.ts"

/** One problem the intake found, as its 400 lists them. */
export interface FieldProblem {
  readonly field: string
  readonly rule: string
  readonly message: string
}

/** The intake refused the call, and the same call will be refused again. */
export interface Refused {
  readonly ok: false
  readonly _tag: "Refused"
  /** The HTTP status: 400, 401, 404, 413, 415 or 422. */
  readonly status: number
  /** The intake's stable error code, e.g. `invalid_request`. */
  readonly error: string
  /** What to fix, in the intake's words. */
  readonly message: string
  /** For a 400: every field and rule that failed. */
  readonly problems: ReadonlyArray<FieldProblem>
}

/** No usable answer before the client's deadline; the call may be retried under the same key. */
export interface Unavailable {
  readonly ok: false
  readonly _tag: "Unavailable"
  readonly attempts: number
  /** The last reason, e.g. `503 kafka_unavailable: …` or `no answer within 10000 ms`. */
  readonly reason: string
  /**
   * True when an attempt may have reached Kafka without an ack (`kafka_ambiguous`, or a
   * timeout after the body was sent): look the id up before deciding it was lost.
   */
  readonly mayHaveBeenAccepted: boolean
}

/** What one answer means for the call. */
export type AnswerVerdict =
  | { readonly _tag: "Done"; readonly status: number; readonly body: Readonly<Record<string, unknown>> }
  | {
      readonly _tag: "Retry"
      readonly afterMs: number | undefined
      readonly reason: string
      readonly ambiguous: boolean
      /** The intake said it wrote nothing (429, 503), or no connection was made: even a call that is not idempotent may go again. */
      readonly nothingWritten: boolean
    }
  | Refused

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === "object" && v !== null && !Array.isArray(v)

const problemsOf = (body: Readonly<Record<string, unknown>>): ReadonlyArray<FieldProblem> => {
  const listed = Array.isArray(body.errors) ? body.errors : []
  return listed.filter(isRecord).map((e) => ({ field: String(e.field ?? "body"), rule: String(e.rule ?? ""), message: String(e.message ?? "") }))
}

/**
 * Reads one answer. 2xx is done; 429, 5xx and an unreadable body are retried (a 500 says
 * nothing was accepted unless a 202 was sent, and the key makes a retry safe); every
 * other 4xx is refused for good. `okStatuses` lets a lookup treat 404 as an answer.
 */
export const readVerdict = (status: number, body: unknown, retryAfter: string | null, nowMs: number, okStatuses: ReadonlyArray<number> = []): AnswerVerdict => {
  const record = isRecord(body) ? body : {}
  const error = typeof record.error === "string" ? record.error : `http_${status}`
  const message = typeof record.message === "string" ? record.message : `the intake answered ${status} without an error message`
  if ((status >= 200 && status < 300) || okStatuses.includes(status)) {
    if (!isRecord(body)) return { _tag: "Retry", afterMs: undefined, reason: `${status} with a body that is not a JSON object`, ambiguous: false, nothingWritten: false }
    return { _tag: "Done", status, body }
  }
  if (status === 429 || status >= 500) {
    return { _tag: "Retry", afterMs: retryAfterMs(retryAfter, nowMs), reason: `${status} ${error}: ${message}`, ambiguous: error === "kafka_ambiguous" || status === 504, nothingWritten: status === 429 || (status === 503 && error !== "kafka_ambiguous") }
  }
  return { ok: false, _tag: "Refused", status, error, message, problems: problemsOf(record) }
}
