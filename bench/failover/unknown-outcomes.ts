/**
 * Resolves the requests a client gave up on (failed, timed out, unreachable) once the
 * load and the attacker have stopped: find the replica that serves as leader again, and
 * ask it about each one with `GET /v1/requests/:id` (the SDK's `lookupAt`), which never
 * applies anything. Found: applied though the client was not told, at that index. Not
 * found: not applied (the leader's dedupe window, 4096 requests, outlasts a run).
 */
import { lookupAt } from "../../src/client/index.ts"
import type { Resolution } from "./consistency.ts"
import type { LabHost } from "./lab-layout.ts"
import { replicaLocation } from "./replica-config.ts"
import type { RequestRecord } from "./request-record.ts"

/** The replica that serves as leader, as its own status says. */
export interface ServingLeader {
  readonly node: string
  readonly location: string
  readonly epoch: number
}

const statusOf = async (node: LabHost): Promise<ServingLeader | undefined> => {
  const location = replicaLocation(node.address)
  try {
    const r = await fetch(`${location}/v1/replica`, { signal: AbortSignal.timeout(2000) })
    const body: unknown = r.ok ? await r.json() : undefined
    if (typeof body !== "object" || body === null) return undefined
    const { role, epoch } = body as Record<string, unknown>
    return role === "leader" && typeof epoch === "number" ? { node: node.name, location, epoch } : undefined
  } catch {
    return undefined
  }
}

/** Polls every node until one serves as leader (the highest epoch if two claim it), or undefined after `waitMs`. */
export const servingLeader = async (nodes: ReadonlyArray<LabHost>, waitMs: number): Promise<ServingLeader | undefined> => {
  const until = Date.now() + waitMs
  for (;;) {
    const leaders = (await Promise.all(nodes.map(statusOf))).flatMap((l) => (l === undefined ? [] : [l]))
    const newest = leaders.sort((a, b) => b.epoch - a.epoch)[0]
    if (newest !== undefined || Date.now() > until) return newest
    await Bun.sleep(500)
  }
}

/** Looks up every request the client gave up on at `leader` (undefined: none serves, all unresolved); keyed by request id. */
export const resolveGaveUp = async (
  leader: ServingLeader | undefined,
  records: ReadonlyArray<RequestRecord>,
  timeoutMs: number,
  concurrency = 16,
): Promise<ReadonlyMap<string, Resolution>> => {
  const gaveUp = records.filter((r) => !r.ok)
  const out = new Map<string, Resolution>()
  if (leader === undefined) {
    for (const r of gaveUp) out.set(r.requestId, { _tag: "unresolved", detail: "no replica serves as leader" })
    return out
  }
  for (let i = 0; i < gaveUp.length; i += concurrency) {
    await Promise.all(gaveUp.slice(i, i + concurrency).map(async (r) => {
      const found = await lookupAt(leader.location, r.requestId, timeoutMs)
      out.set(
        r.requestId,
        found._tag === "RequestApplied" ? { _tag: "applied", index: found.index } : found._tag === "RequestUnknown" ? { _tag: "not-applied" } : { _tag: "unresolved", detail: found.detail },
      )
    }))
  }
  return out
}
