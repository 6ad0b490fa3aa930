/**
 * The benches' HTTP client of the gateway intake: POSTs a prepared JSON body
 * with the API key and folds every ending (202, an error answer, no answer)
 * into a `CallOutcome`, so a load driver never sees a rejection; and a
 * burst of batches sent through it by a closed loop of clients.
 */
import type { ProgressSink } from "../lib/progress.ts"
import { type CallOutcome, closedLoop, type LoadResult, pacedLoad, type SendCall } from "./load.ts"

/** An answer, or status 0 and the reason when none came. */
export interface Answer {
  readonly status: number
  readonly text: string
}

/** Where the intake is and how to authenticate. */
export interface IntakeTarget {
  readonly baseUrl: string
  readonly apiKey: string
  readonly timeoutMs?: number
}

/**
 * POSTs `body` (JSON text) to `path`; never rejects. `headers` are sent as well, e.g. an
 * `idempotency-key`, so a retrying client resends the same request rather than a new one.
 */
export const postJson = async (target: IntakeTarget, path: string, body: string, headers: Readonly<Record<string, string>> = {}): Promise<Answer> => {
  try {
    const response = await fetch(`${target.baseUrl}${path}`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", authorization: `Bearer ${target.apiKey}` },
      body,
      signal: AbortSignal.timeout(target.timeoutMs ?? 30_000),
    })
    return { status: response.status, text: await response.text() }
  } catch (error) {
    return { status: 0, text: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }
  }
}

/** The intake's `error` code from an error answer, or the start of the text. */
export const failureDetail = (answer: Answer): string => {
  try {
    const parsed: unknown = JSON.parse(answer.text)
    if (typeof parsed === "object" && parsed !== null && "error" in parsed && typeof parsed.error === "string") return parsed.error
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return answer.text.slice(0, 120)
}

/** An answer as a load outcome: only 202 (accepted after the Kafka ack) counts. */
export const outcomeOf = (answer: Answer): CallOutcome =>
  answer.status === 202 ? { ok: true, status: 202 } : { ok: false, status: answer.status, detail: failureDetail(answer) }

/** A `SendCall` that POSTs the same prepared body every time (each gets its own id: no Idempotency-Key). */
export const repeatPost = (target: IntakeTarget, path: string, body: string): SendCall => async () => outcomeOf(await postJson(target, path, body))

/** The first key of a comma-separated key list (the variable `[intake].api_keys_env` names). */
export const firstApiKey = (list: string | undefined): string | undefined =>
  (list ?? "").split(",").map((k) => k.trim()).find((k) => k !== "")

/** The bodies as batch texts of at most `size` requests each. */
export const batchTexts = (bodies: ReadonlyArray<unknown>, size: number): ReadonlyArray<{ readonly text: string; readonly count: number }> => {
  const out: Array<{ text: string; count: number }> = []
  for (let i = 0; i < bodies.length; i += size) {
    const chunk = bodies.slice(i, i + size)
    out.push({ text: JSON.stringify({ requests: chunk }), count: chunk.length })
  }
  return out
}

/** How to send a burst of batches. */
export interface BurstOptions {
  readonly batchSize: number
  /** Clients sending at once, each one batch after another. */
  readonly clients: number
  readonly label: string
  readonly progress: ProgressSink
}

/** A burst as the clients saw it, with the epoch ms of its first send and of its last answer. */
export interface SubmittedBurst {
  readonly submit: LoadResult
  readonly submitFrom: number
  readonly submitTo: number
}

/** POSTs `bodies` to /v1/batches, `batchSize` requests a batch; a request counts when its batch is answered 202. */
export const submitBatches = async (target: IntakeTarget, bodies: ReadonlyArray<unknown>, options: BurstOptions): Promise<SubmittedBurst> => {
  const batches = batchTexts(bodies, options.batchSize)
  const submitFrom = Date.now()
  const submit = await closedLoop({
    calls: batches.length,
    itemsPerCall: (i) => batches[i]?.count ?? 0,
    clients: options.clients,
    send: async (i) => outcomeOf(await postJson(target, "/v1/batches", batches[i]?.text ?? "")),
    label: options.label,
    progress: options.progress,
  })
  return { submit, submitFrom, submitTo: Date.now() }
}

/** A request a paced submission got a 202 for: its id, and the epoch ms its POST started and its answer came. */
export interface AcceptedRequest {
  readonly id: string
  readonly sentAt: number
  readonly answeredAt: number
}

/** The `id` of a 202 answer's body, or undefined when it has none. */
const acceptedId = (text: string): string | undefined => {
  try {
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === "object" && parsed !== null && "id" in parsed && typeof parsed.id === "string" ? parsed.id : undefined
  } catch {
    return undefined
  }
}

/**
 * POSTs each of `bodies` to /v1/requests on its own, starting one every `1 / ratePerSec`
 * seconds whatever is still in flight (a steady client, not a burst), and keeps when each
 * accepted one was sent and answered: the start of its latency.
 */
export const submitPaced = async (
  target: IntakeTarget,
  bodies: ReadonlyArray<unknown>,
  options: { readonly ratePerSec: number; readonly label: string; readonly progress: ProgressSink },
): Promise<SubmittedBurst & { readonly requests: ReadonlyArray<AcceptedRequest> }> => {
  const texts = bodies.map((b) => JSON.stringify(b))
  const requests: AcceptedRequest[] = []
  const submitFrom = Date.now()
  const submit = await pacedLoad({
    calls: texts.length,
    ratePerSec: options.ratePerSec,
    label: options.label,
    progress: options.progress,
    send: async (i) => {
      const sentAt = Date.now()
      const answer = await postJson(target, "/v1/requests", texts[i] ?? "")
      const id = answer.status === 202 ? acceptedId(answer.text) : undefined
      if (id !== undefined) requests.push({ id, sentAt, answeredAt: Date.now() })
      return outcomeOf(answer)
    },
  })
  return { submit, submitFrom, submitTo: Date.now(), requests }
}
