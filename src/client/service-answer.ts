/**
 * What one HTTP exchange with a replica of the sample service meant, as data: applied,
 * not the leader (with where the leader is), refused as invalid, temporarily
 * unavailable, or no usable answer at all. `readAnswer` is pure, so the mapping from the
 * service's HTTP contract (POST /v1/numbers) is tested without a socket.
 */

/** The leader answered with the entry's index (the first index when the request id was seen before). */
export interface Applied {
  readonly _tag: "Applied"
  readonly index: number
  readonly node: string
  /** The serving leader's epoch, when the answer carried one. */
  readonly epoch: bigint | undefined
  /** The request id had been applied already; `index` is that first application's. */
  readonly duplicate: boolean
}

/** The replica does not serve requests; `leader` is who does, when it knows. */
export interface NotLeaderAnswer {
  readonly _tag: "NotLeader"
  readonly reason: string
  readonly leader: { readonly node: string; readonly location: string } | null
}

/** The request itself is wrong (400); sending it again cannot help. */
export interface Invalid {
  readonly _tag: "Invalid"
  readonly field: string
  readonly rule: string
}

/** The replica is up but cannot serve now (503 or another 5xx: overloaded, etcd unreachable). */
export interface Unavailable {
  readonly _tag: "Unavailable"
  readonly status: number
  /** From Retry-After, when given. */
  readonly retryAfterMs: number | undefined
}

/** Why there was no usable answer. */
export type NoAnswerKind = "timeout" | "unreachable" | "bad-answer" | "bad-location"

/** Nothing usable came back: a timeout, a refused or reset connection, or a reply that is not the service's. */
export interface NoAnswer {
  readonly _tag: "NoAnswer"
  readonly kind: NoAnswerKind
  readonly detail: string
}

/** Every meaning an attempt can have. */
export type ServiceAnswer = Applied | NotLeaderAnswer | Invalid | Unavailable | NoAnswer

const record = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined)

const epochOf = (v: unknown): bigint | undefined => {
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v)
  if (typeof v === "string" && /^[0-9]+$/.test(v)) return BigInt(v)
  return undefined
}

/** Seconds of a Retry-After header (the date form is not used by the service). */
const retryAfterMs = (header: string | null): number | undefined => {
  if (header === null || !/^[0-9]+$/.test(header.trim())) return undefined
  return Number(header.trim()) * 1000
}

const badAnswer = (status: number, why: string): NoAnswer => ({ _tag: "NoAnswer", kind: "bad-answer", detail: `HTTP ${status}: ${why}` })

/** The meaning of a POST /v1/numbers reply: its status, its parsed JSON body (undefined if none) and its Retry-After. */
export const readAnswer = (status: number, body: unknown, retryAfter: string | null): ServiceAnswer => {
  const json = record(body)
  if (status === 200) {
    const index = json?.["index"]
    const node = str(json?.["node"])
    if (typeof index !== "number" || !Number.isSafeInteger(index) || node === undefined) {
      return badAnswer(status, "no index and node in the body; is this location the sample service?")
    }
    return { _tag: "Applied", index, node, epoch: epochOf(json?.["epoch"]), duplicate: json?.["duplicate"] === true }
  }
  if (status === 421) {
    const leader = record(json?.["leader"])
    const node = str(leader?.["node"])
    const location = str(leader?.["location"])
    return {
      _tag: "NotLeader",
      reason: str(json?.["reason"]) ?? "not_leader",
      leader: node !== undefined && location !== undefined && location !== "" ? { node, location } : null,
    }
  }
  if (status === 400) {
    return { _tag: "Invalid", field: str(json?.["field"]) ?? "request", rule: str(json?.["rule"]) ?? str(json?.["error"]) ?? "refused by the service" }
  }
  if (status >= 500 && status <= 599) return { _tag: "Unavailable", status, retryAfterMs: retryAfterMs(retryAfter) }
  return badAnswer(status, "not an answer of the sample service's POST /v1/numbers")
}
