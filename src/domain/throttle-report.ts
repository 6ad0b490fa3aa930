/**
 * A throttle report: what one consumer process's node throttles look like now (in
 * flight, the limit in force, the configured cap, the smoothed latency, the breaker),
 * which it keeps in etcd under a lease so the operations page of a producer host, which
 * throttles no node itself, can show them. Written and read by the same functions; a
 * value that does not decode is skipped by the reader, named with what is wrong.
 */
import type { Decoded } from "./wire.ts"

/** One node's throttle, as its process reports it. */
export interface ReportedNode {
  readonly name: string
  readonly chain: "bitcoin" | "ethereum"
  /** The configured in-flight cap (`max_in_flight`). */
  readonly cap: number
  /** The cap in force now: the adaptive policy's when `adaptive` is on, else the configured one. */
  readonly limit: number
  readonly adaptive: boolean
  readonly inFlight: number
  readonly peakInFlight: number
  /** Smoothed latency of healthy calls (ms); undefined before the first. */
  readonly latencyMs: number | undefined
  /** The circuit breaker: closed, open or half-open. */
  readonly breaker: string
  readonly calls: number
  readonly failures: number
}

/** One process's report. */
export interface ThrottleReport {
  readonly host: string
  readonly pid: number
  /** When the process wrote it (epoch ms, its clock). */
  readonly at: number
  readonly nodes: readonly ReportedNode[]
}

/** The etcd prefix of a deployment's reports: one per consumer group, so two deployments on one etcd never mix. */
export const throttleReportPrefix = (groupId: string): string => `gateway-ops/${groupId}/throttles/`

/** The key of one process's report under `prefix`. */
export const throttleReportKey = (prefix: string, host: string, pid: number): string => `${prefix}${host}/${pid}`

/** The report as the value stored in etcd. */
export const encodeThrottleReport = (report: ThrottleReport): string => JSON.stringify(report)

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v)
const isCount = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0

const decodeNode = (v: unknown, i: number): Decoded<ReportedNode> => {
  if (!isObject(v)) return { ok: false, problem: `nodes[${i}]: not an object` }
  if (typeof v.name !== "string" || v.name === "") return { ok: false, problem: `nodes[${i}].name: missing or not a string` }
  if (v.chain !== "bitcoin" && v.chain !== "ethereum") return { ok: false, problem: `nodes[${i}].chain: not bitcoin or ethereum` }
  for (const field of ["cap", "limit", "inFlight", "peakInFlight", "calls", "failures"] as const) {
    if (!isCount(v[field])) return { ok: false, problem: `nodes[${i}].${field}: not a count` }
  }
  if (v.latencyMs !== undefined && !isCount(v.latencyMs)) return { ok: false, problem: `nodes[${i}].latencyMs: not a duration` }
  if (typeof v.breaker !== "string") return { ok: false, problem: `nodes[${i}].breaker: not a string` }
  if (typeof v.adaptive !== "boolean") return { ok: false, problem: `nodes[${i}].adaptive: not a boolean` }
  return {
    ok: true,
    value: {
      name: v.name,
      chain: v.chain,
      cap: v.cap as number,
      limit: v.limit as number,
      adaptive: v.adaptive,
      inFlight: v.inFlight as number,
      peakInFlight: v.peakInFlight as number,
      latencyMs: v.latencyMs as number | undefined,
      breaker: v.breaker,
      calls: v.calls as number,
      failures: v.failures as number,
    },
  }
}

/** Reads a stored value back into a report. */
export const decodeThrottleReport = (text: string): Decoded<ThrottleReport> => {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    return { ok: false, problem: "not JSON" }
  }
  if (!isObject(v)) return { ok: false, problem: "not a JSON object" }
  if (typeof v.host !== "string" || v.host === "") return { ok: false, problem: "host: missing or not a string" }
  if (!Number.isInteger(v.pid)) return { ok: false, problem: "pid: not an integer" }
  if (!isCount(v.at)) return { ok: false, problem: "at: not a time" }
  if (!Array.isArray(v.nodes)) return { ok: false, problem: "nodes: not an array" }
  const nodes: ReportedNode[] = []
  for (const [i, n] of v.nodes.entries()) {
    const node = decodeNode(n, i)
    if (!node.ok) return node
    nodes.push(node.value)
  }
  return { ok: true, value: { host: v.host, pid: v.pid as number, at: v.at, nodes } }
}
