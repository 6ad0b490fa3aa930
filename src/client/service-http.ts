/**
 * The failover client's only HTTP code: POST /v1/numbers and GET reads against one
 * location of the sample service, each bounded by a per-attempt timeout (fetch with an
 * AbortSignal). Transport failures become NoAnswer here, and nowhere else does the
 * client look at a fetch error.
 */
import { type NoAnswer, type NoAnswerKind, readAnswer, type ServiceAnswer } from "./service-answer.ts"

/** `location` + `path`, or undefined when the location is not an http(s) URL. */
const urlOf = (location: string, path: string): string | undefined => {
  const base = location.replace(/\/+$/, "")
  if (!/^https?:\/\//.test(base) || !URL.canParse(base + path)) return undefined
  return base + path
}

const noAnswer = (kind: NoAnswerKind, detail: string): NoAnswer => ({ _tag: "NoAnswer", kind, detail })

/** A fetch failure as NoAnswer: the abort of our timeout, or any transport error (refused, reset, DNS). */
const transportFailure = (cause: unknown, timeoutMs: number): NoAnswer => {
  const name = cause instanceof Error ? cause.name : ""
  if (name === "TimeoutError" || name === "AbortError") return noAnswer("timeout", `no answer within ${timeoutMs} ms`)
  const code = typeof cause === "object" && cause !== null && "code" in cause ? String((cause as { readonly code: unknown }).code) : ""
  const text = cause instanceof Error ? cause.message : String(cause)
  return noAnswer("unreachable", code === "" ? text : `${code}: ${text}`)
}

/** A JSON body, or undefined when there is none or it does not parse. */
const jsonBody = async (response: Response): Promise<unknown> => {
  const text = await response.text()
  if (text === "") return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** The JSON the service sends for a submit. */
export interface NumberRequest {
  readonly request_id: string
  readonly number: number
}

/**
 * POSTs one number to `location`/v1/numbers and reads what the answer means. With
 * `forwardToLeader`, a follower that knows the leader relays it there (header
 * `Gateway-Forward: leader`) instead of answering 421.
 */
export const postNumber = async (location: string, body: NumberRequest, timeoutMs: number, forwardToLeader = false): Promise<ServiceAnswer> => {
  const url = urlOf(location, "/v1/numbers")
  if (url === undefined) return noAnswer("bad-location", `"${location}" is not an http:// URL`)
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(forwardToLeader ? { "gateway-forward": "leader" } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(Math.max(1, timeoutMs)),
    })
    return readAnswer(response.status, await jsonBody(response), response.headers.get("retry-after"))
  } catch (cause) {
    return transportFailure(cause, timeoutMs)
  }
}

/** A GET that answered: its status and parsed JSON body. */
export interface JsonReply {
  readonly _tag: "Reply"
  readonly status: number
  readonly body: unknown
}

/** GETs `location` + `path` (e.g. /v1/numbers, /v1/replica) as JSON. */
export const getJson = async (location: string, path: string, timeoutMs: number): Promise<JsonReply | NoAnswer> => {
  const url = urlOf(location, path)
  if (url === undefined) return noAnswer("bad-location", `"${location}" is not an http:// URL`)
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(Math.max(1, timeoutMs)) })
    return { _tag: "Reply", status: response.status, body: await jsonBody(response) }
  } catch (cause) {
    return transportFailure(cause, timeoutMs)
  }
}
