/**
 * The Table 2 client load: `rate` requests a second for `durationS` seconds, each
 * carrying a fresh random number, sent on schedule whether or not earlier ones have
 * answered (an open loop, as a user population would). Every request is recorded with
 * what the client was told, so the consistency check and the report work from the
 * client's own view. The submitter is injected (the failover SDK in the bench).
 */
import type { SubmitResult } from "../../src/client/index.ts"
import type { RequestRecord } from "./request-record.ts"

export type { RequestRecord } from "./request-record.ts"

/** Sends one number under one request id. */
export type Submit = (number: number, requestId: string) => Promise<SubmitResult>

/** A number not drawn before in this run (numbers identify requests in the replicas' lists). */
export const makeNumberSource = (random: () => number = Math.random): (() => number) => {
  const drawn = new Set<number>()
  return () => {
    for (;;) {
      const n = 1 + Math.floor(random() * 2 ** 31)
      if (!drawn.has(n)) {
        drawn.add(n)
        return n
      }
    }
  }
}

/** The record of one finished submit. */
export const recordOf = (client: string, seq: number, requestId: string, number: number, sentAtMs: number, doneAtMs: number, r: SubmitResult): RequestRecord =>
  r.ok
    ? { client, seq, requestId, number, sentAtMs, doneAtMs, outcome: "ok", ok: true, index: r.index, node: r.node, attempts: r.attempts, duplicate: r.duplicate }
    : {
        client,
        seq,
        requestId,
        number,
        sentAtMs,
        doneAtMs,
        outcome: r._tag === "Rejected" ? `Rejected:${r.rule}` : r._tag === "Timeout" ? `Timeout:${r.last}` : `Unreachable:${r.reason}`,
        ok: false,
        index: undefined,
        node: undefined,
        attempts: r.attempts,
        duplicate: false,
      }

/** What the load needs. */
export interface LoadOptions {
  readonly client: string
  readonly rate: number
  readonly durationS: number
  readonly submit: Submit
  readonly nextNumber: () => number
  /** Run time in ms since the load started. */
  readonly clock: () => number
  readonly onRecord?: (r: RequestRecord) => void
  /** True once the bench is being stopped: send nothing more. */
  readonly stopped?: () => boolean
}

/** Runs the load and resolves with every request's record once the last one has answered. */
export const runLoad = async (o: LoadOptions): Promise<ReadonlyArray<RequestRecord>> => {
  const total = Math.round(o.rate * o.durationS)
  const records: RequestRecord[] = []
  const pending: Promise<void>[] = []
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
  // Request ids are printable ASCII without spaces; client names are for people.
  const slug = o.client.replace(/[^A-Za-z0-9]+/g, "-")
  for (let seq = 0; seq < total; seq++) {
    const at = (seq * 1000) / o.rate
    const wait = at - o.clock()
    if (wait > 0) await Bun.sleep(wait)
    if (o.stopped?.() === true) break
    const number = o.nextNumber()
    const requestId = `${slug}-${run}-${seq}`
    const sentAtMs = o.clock()
    pending.push(
      o.submit(number, requestId).then(
        (r) => {
          const record = recordOf(o.client, seq, requestId, number, sentAtMs, o.clock(), r)
          records.push(record)
          o.onRecord?.(record)
        },
        (e: unknown) => {
          // The SDK answers failures as data; a throw is a bug in it, recorded rather than lost.
          const record: RequestRecord = {
            client: o.client, seq, requestId, number, sentAtMs, doneAtMs: o.clock(),
            outcome: `Thrown:${e instanceof Error ? e.message : String(e)}`, ok: false, index: undefined, node: undefined, attempts: 0, duplicate: false,
          }
          records.push(record)
          o.onRecord?.(record)
        },
      ),
    )
  }
  await Promise.all(pending)
  return records.sort((a, b) => a.seq - b.seq)
}
