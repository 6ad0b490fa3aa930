/**
 * The lab workers' client of one request: POST it with its own Idempotency-Key, and
 * while the answer is one a retry can change (503 while a broker is cut off, no answer
 * at all, another 5xx, 429) wait a short, growing backoff and POST it again with the
 * SAME key, until the intake acknowledges it or the request's deadline passes. The same
 * key makes every attempt the same request to the intake, so a retry can never pay
 * twice; what is counted is every attempt's answer and when it came, so the report can
 * say what the clients saw while the host was cut off.
 */
import type { Answer } from "../intake/intake-client.ts"
import { failureDetail } from "../intake/intake-client.ts"

/** How long to wait between attempts and when to give up; data, passed in. */
export interface RetryPolicy {
  /** The first wait, doubled after each retriable answer up to `maxBackoffMs`. */
  readonly firstBackoffMs: number
  readonly maxBackoffMs: number
  /** From the first attempt: no attempt starts after this. */
  readonly deadlineMs: number
}

/** The lab's policy: 250 ms doubling to 2 s (the intake's own Retry-After), for 120 s. */
export const LAB_RETRY: RetryPolicy = { firstBackoffMs: 250, maxBackoffMs: 2000, deadlineMs: 120_000 }

/** The one table of which answers are worth another attempt: none at all (0), 408, 425, 429 and every 5xx. */
export const retriable = (status: number): boolean => status === 0 || status === 408 || status === 425 || status === 429 || status >= 500

/**
 * True when the intake holds the request: 202, or 200 with `replayed: true`, which is how
 * it answers a repeat of a key it already accepted (an earlier attempt's 202 was lost to
 * a timeout, or a 503 "may have been accepted" was in fact acked). Retrying that 200
 * would only get the same 200 again.
 */
export const acknowledges = (answer: Answer): boolean => {
  if (answer.status === 202) return true
  if (answer.status !== 200) return false
  try {
    const parsed: unknown = JSON.parse(answer.text)
    return typeof parsed === "object" && parsed !== null && "replayed" in parsed && parsed.replayed === true
  } catch {
    return false
  }
}

/** How an answer is counted: `202`, `200 replayed`, `503`, `no answer`. */
export const answerLabel = (answer: Answer): string =>
  answer.status === 0 ? "no answer" : answer.status === 200 && acknowledges(answer) ? "200 replayed" : String(answer.status)

/** One attempt: how it was answered and when (epoch ms) the answer came. */
export interface Attempt {
  readonly answer: string
  readonly at: number
}

/** How one request ended. */
export interface KeyedOutcome {
  readonly key: string
  readonly acknowledged: boolean
  /** Why it stopped unacknowledged: an answer no retry changes, or the deadline. */
  readonly gaveUp?: "refused" | "deadline"
  /** The last answer's status and error code, when not acknowledged. */
  readonly detail?: string
  readonly attempts: ReadonlyArray<Attempt>
}

/** The clock the loop reads and sleeps on; tests pass a fake one. */
export interface RetryClock {
  readonly now: () => number
  readonly sleep: (ms: number) => Promise<void>
}

/** Wall time and real timers. */
export const REAL_CLOCK: RetryClock = { now: Date.now, sleep: (ms) => new Promise<void>((done) => setTimeout(done, ms)) }

/** POSTs with `key` until acknowledged, refused or out of time; `post` must not reject (intake-client's `postJson` does not). */
export const postUntilAcknowledged = async (post: (key: string) => Promise<Answer>, key: string, policy: RetryPolicy, clock: RetryClock = REAL_CLOCK): Promise<KeyedOutcome> => {
  const started = clock.now()
  const attempts: Array<Attempt> = []
  let backoff = policy.firstBackoffMs
  for (;;) {
    const answer = await post(key)
    const at = clock.now()
    attempts.push({ answer: answerLabel(answer), at })
    if (acknowledges(answer)) return { key, acknowledged: true, attempts }
    const detail = `HTTP ${answer.status} ${failureDetail(answer)}`
    if (!retriable(answer.status)) return { key, acknowledged: false, gaveUp: "refused", detail, attempts }
    if (at + backoff - started > policy.deadlineMs) return { key, acknowledged: false, gaveUp: "deadline", detail, attempts }
    await clock.sleep(backoff)
    backoff = Math.min(policy.maxBackoffMs, backoff * 2)
  }
}
