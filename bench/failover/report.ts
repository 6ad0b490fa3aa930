/**
 * The failover bench's report (pure): paper B's Table 2 figures for the same schedule,
 * this run's failed requests without and with the SDK's retry, leader changes,
 * failover times, the outcome of every request a client gave up on (looked up on the
 * serving leader afterwards) and the synchronisation check, as figures, comparisons (the paper's
 * figure is the reference for the no-retry client; the same run's no-retry client is
 * the reference for the retry client), a bar chart and a table printed beside the paper.
 */
import { textTable } from "../../src/cli/text-table.ts"
import type { Chart } from "../lib/chart-svg.ts"
import type { BenchReport, Comparison, Figure, JsonValue } from "../lib/results.ts"
import { percentile } from "../lib/stats.ts"
import { ratioAtMost, valueAtMost } from "../lib/target.ts"
import type { AttackMode, PaperMode } from "./attack-schedule.ts"
import type { Outage } from "./attacker.ts"
import type { Consistency, Resolution } from "./consistency.ts"
import type { Failover } from "./failover-times.ts"
import type { Leadership } from "./leader-log.ts"
import type { RequestRecord } from "./request-record.ts"

/** Paper B's Table 2: failed requests of 1,200 and leader changes in 10 minutes, per period. */
export const PAPER_TABLE2: Readonly<Record<number, Readonly<Record<PaperMode, { readonly failed: number; readonly leaderChanges: number }>>>> = {
  60: { random: { failed: 8, leaderChanges: 1 }, leader: { failed: 441, leaderChanges: 10 } },
  30: { random: { failed: 79, leaderChanges: 3 }, leader: { failed: 564, leaderChanges: 20 } },
  25: { random: { failed: 137, leaderChanges: 6 }, leader: { failed: 976, leaderChanges: 25 } },
}
/** The paper's run: 1,200 requests over 600 s with a 20 s outage. */
export const PAPER_REQUESTS = 1200
export const PAPER_DURATION_S = 600
export const PAPER_OUTAGE_S = 20

/** The paper's figures for a schedule, scaled to this run's length when it is shorter; undefined for a period the paper did not test. */
export interface PaperReference {
  readonly failed: number
  readonly leaderChanges: number
  /** Out of how many requests (1,200 unscaled). */
  readonly requests: number
  readonly scaled: boolean
}

/** Paper B's figure for `periodS`/`mode`, scaled by requests and duration when this run is smaller. */
export const paperReference = (periodS: number, mode: AttackMode, requests: number, durationS: number, outageS: number): PaperReference | undefined => {
  // etcd-leader is this bench's own schedule: the paper has no row for it.
  const row = mode === "etcd-leader" ? undefined : PAPER_TABLE2[periodS]?.[mode]
  if (row === undefined) return undefined
  const exact = requests === PAPER_REQUESTS && durationS === PAPER_DURATION_S && outageS === PAPER_OUTAGE_S
  if (exact) return { ...row, requests, scaled: false }
  const r = requests / PAPER_REQUESTS
  const d = durationS / PAPER_DURATION_S
  return { failed: Math.round(row.failed * r * 10) / 10, leaderChanges: Math.round(row.leaderChanges * d * 10) / 10, requests, scaled: true }
}

/** Everything a run measured. */
export interface FailoverRun {
  readonly mode: AttackMode
  readonly periodS: number
  readonly outageS: number
  readonly durationS: number
  readonly rate: number
  /** Client names: "no retry" and/or "SDK retry". */
  readonly clients: ReadonlyArray<string>
  readonly records: ReadonlyArray<RequestRecord>
  readonly outages: ReadonlyArray<Outage>
  readonly leaderships: ReadonlyArray<Leadership>
  readonly failovers: ReadonlyArray<Failover>
  readonly consistency: Consistency
  /** What the serving leader said about each request a client gave up on, by request id. */
  readonly resolved: ReadonlyMap<string, Resolution>
  /** The node the gave-up requests were looked up on; null when none served. */
  readonly resolvedOn: string | null
  readonly lab: JsonValue
}

/** The client names: paper B's one-shot client, the SDK's retrying one, and the gateway's one-shot client that any replica serves (Gateway-Forward: leader). */
export const NO_RETRY = "no retry"
export const WITH_RETRY = "SDK retry"
export const ANY_REPLICA = "one-shot, any replica"

/** The clients `--clients` names, in the order the report shows them. */
export const clientsOf = (which: string): ReadonlyArray<string> => {
  switch (which) {
    case "all":
      return [NO_RETRY, ANY_REPLICA, WITH_RETRY]
    case "both":
      return [NO_RETRY, WITH_RETRY]
    case "any-replica":
      return [ANY_REPLICA]
    case "retry":
      return [WITH_RETRY]
    default:
      return [NO_RETRY]
  }
}

const count = (records: ReadonlyArray<RequestRecord>, client: string, resolved: ReadonlyMap<string, Resolution> = new Map()) => {
  const mine = records.filter((r) => r.client === client)
  const failed = mine.filter((r) => !r.ok)
  const reasons: Record<string, number> = {}
  for (const r of failed) reasons[r.outcome] = (reasons[r.outcome] ?? 0) + 1
  const outcome = (tag: Resolution["_tag"]) => failed.filter((r) => (resolved.get(r.requestId)?._tag ?? "unresolved") === tag).length
  return {
    total: mine.length,
    failed: failed.length,
    reasons,
    acknowledged: mine.length - failed.length,
    gaveUpApplied: outcome("applied"),
    gaveUpNotApplied: outcome("not-applied"),
    unresolved: outcome("unresolved"),
  }
}

/** The synchronisation verdict in words: what every replica was compared with. */
const syncText = (c: Consistency): string =>
  c.allIdentical
    ? `identical (${c.acknowledged} acknowledged + ${c.gaveUpApplied} applied after the client gave up)`
    : c.consistent
      ? `consistent, NOT identical (${c.replicas.filter((v) => !v.identical).length} replicas differ from ${c.expected} expected; ${c.unresolved} outcomes unresolved)`
      : "NOT consistent"

const ms = (v: number | undefined) => (v === undefined ? "-" : `${(v / 1000).toFixed(1)} s`)

/** The table printed beside the paper's figures. */
export const paperTable = (run: FailoverRun): ReadonlyArray<string> => {
  const total = run.records.filter((r) => r.client === run.clients[0]).length
  const ref = paperReference(run.periodS, run.mode, total, run.durationS, run.outageS)
  const no = count(run.records, NO_RETRY)
  const yes = count(run.records, WITH_RETRY)
  const any = count(run.records, ANY_REPLICA)
  const sync = syncText(run.consistency)
  const changes = Math.max(0, run.leaderships.length - 1)
  const schedule = textTable(
    ["SCHEDULE", "", "FAILED (NO RETRY)", "FAILED (ONE-SHOT, ANY REPLICA)", "FAILED (SDK RETRY)", "LEADER CHANGES", "SYNCHRONISATION"],
    [
      [
        `cut ${run.outageS} s every ${run.periodS} s, ${run.mode}`,
        "this run",
        run.clients.includes(NO_RETRY) ? `${no.failed}/${no.total}` : "-",
        run.clients.includes(ANY_REPLICA) ? `${any.failed}/${any.total}` : "-",
        run.clients.includes(WITH_RETRY) ? `${yes.failed}/${yes.total}` : "-",
        String(changes),
        sync,
      ],
      [
        "",
        ref === undefined ? "paper B (no such schedule)" : ref.scaled ? "paper B, scaled to this run" : "paper B, Table 2",
        ref === undefined ? "-" : `${ref.failed}/${ref.requests}`,
        "-",
        "-",
        ref === undefined ? "-" : String(ref.leaderChanges),
        ref === undefined ? "-" : "success",
      ],
    ],
  )
  const outcomes = textTable(
    ["CLIENT", "ACKNOWLEDGED", "GAVE UP, APPLIED (NOT TOLD)", "GAVE UP, NOT APPLIED", "GAVE UP, UNRESOLVED"],
    run.clients.map((name) => {
      const c = count(run.records, name, run.resolved)
      return [name, String(c.acknowledged), String(c.gaveUpApplied), String(c.gaveUpNotApplied), String(c.unresolved)]
    }),
  )
  const lost = `acknowledged requests lost: ${run.consistency.lostAcknowledged}; every replica compared with the acknowledged numbers plus those the leader${run.resolvedOn === null ? "" : ` (${run.resolvedOn})`} found applied after the client gave up, in index order`
  return [...schedule, "", ...outcomes, lost]
}

/** The brief's Table 2 target: failed requests at most a tenth of the paper's, same schedule. */
export const BRIEF_FAILED_VS_PAPER = 0.1
/** The brief's target for a leader failover, until clients are served again. */
export const BRIEF_FAILOVER_MS = 2_000

/** Figures, comparisons, chart and details of a run. */
export const failoverReport = (run: FailoverRun): BenchReport => {
  const no = count(run.records, NO_RETRY, run.resolved)
  const yes = count(run.records, WITH_RETRY, run.resolved)
  const any = count(run.records, ANY_REPLICA, run.resolved)
  const total = run.records.filter((r) => r.client === run.clients[0]).length
  const ref = paperReference(run.periodS, run.mode, total, run.durationS, run.outageS)
  const refName = ref === undefined ? undefined : `paper B Table 2, ${run.mode} every ${run.periodS} s${ref.scaled ? ", scaled" : ""}`
  const changes = Math.max(0, run.leaderships.length - 1)
  const serving = run.failovers.flatMap((f) => (f.servingMs === undefined ? [] : [f.servingMs])).sort((a, b) => a - b)
  // "Served again" as each client saw it: its own first acknowledgement by the new leader.
  const servingOf = (client: string) =>
    run.failovers.flatMap((f) => {
      const v = f.servingByClient[client]
      return v === undefined ? [] : [v]
    }).sort((a, b) => a - b)
  const elected = run.failovers.map((f) => f.electedMs).sort((a, b) => a - b)
  const notIdentical = run.consistency.replicas.filter((v) => !v.identical).length
  const figures: Figure[] = [
    { name: "requests per client", unit: "requests", value: total },
    ...(run.clients.includes(NO_RETRY) ? [{ name: "failed requests, no retry", unit: "requests", value: no.failed }] : []),
    ...(run.clients.includes(WITH_RETRY) ? [{ name: "failed requests, SDK retry", unit: "requests", value: yes.failed }] : []),
    ...(run.clients.includes(ANY_REPLICA) ? [{ name: "failed requests, one-shot any replica", unit: "requests", value: any.failed }] : []),
    { name: "leader changes", unit: "changes", value: changes },
    { name: "outages", unit: "cuts", value: run.outages.length },
    ...(elected.length === 0 ? [] : [{ name: "failover to election p50", unit: "ms", value: percentile(elected, 0.5) ?? 0 }]),
    ...(serving.length === 0 ? [] : [
      { name: "failover to first acknowledgement p50", unit: "ms", value: percentile(serving, 0.5) ?? 0 },
      { name: "failover to first acknowledgement max", unit: "ms", value: serving[serving.length - 1] ?? 0 },
    ]),
    ...run.clients.flatMap((client) => {
      const mine = servingOf(client)
      return mine.length === 0
        ? []
        : [
            { name: `failover to first acknowledgement p50, ${client}`, unit: "ms", value: percentile(mine, 0.5) ?? 0 },
            { name: `failover to first acknowledgement max, ${client}`, unit: "ms", value: mine[mine.length - 1] ?? 0 },
          ]
    }),
    { name: "acknowledged requests lost", unit: "requests", value: run.consistency.lostAcknowledged },
    { name: "acknowledged requests", unit: "requests", value: run.consistency.acknowledged },
    { name: "gave up, applied (client not told)", unit: "requests", value: run.consistency.gaveUpApplied },
    { name: "gave up, not applied", unit: "requests", value: run.consistency.gaveUpNotApplied },
    { name: "gave up, outcome unresolved", unit: "requests", value: run.consistency.unresolved },
    { name: "replicas not identical to acknowledged + gave-up-applied", unit: "replicas", value: notIdentical },
  ]
  const comparisons: Comparison[] = [
    ...(run.clients.includes(NO_RETRY)
      ? [{ measure: "failed requests, no retry", unit: "requests", value: no.failed, reference: ref?.failed ?? null, ...(refName === undefined ? {} : { referenceName: refName }), target: ratioAtMost(BRIEF_FAILED_VS_PAPER) }]
      : []),
    ...(run.clients.includes(ANY_REPLICA)
      ? [{ measure: "failed requests, one-shot any replica, vs paper B", unit: "requests", value: any.failed, reference: ref?.failed ?? null, ...(refName === undefined ? {} : { referenceName: refName }), target: ratioAtMost(BRIEF_FAILED_VS_PAPER) }]
      : []),
    ...(run.clients.includes(WITH_RETRY)
      ? [{ measure: "failed requests, SDK retry, vs paper B", unit: "requests", value: yes.failed, reference: ref?.failed ?? null, ...(refName === undefined ? {} : { referenceName: refName }), target: ratioAtMost(BRIEF_FAILED_VS_PAPER) }]
      : []),
    ...(run.clients.includes(WITH_RETRY)
      ? [{
          measure: "failed requests, SDK retry",
          unit: "requests",
          value: yes.failed,
          reference: run.clients.includes(NO_RETRY) ? no.failed : null,
          referenceName: "no retry, same run",
          target: valueAtMost(0),
        }]
      : []),
    { measure: "leader changes", unit: "changes", value: changes, reference: ref?.leaderChanges ?? null, ...(refName === undefined ? {} : { referenceName: refName }) },
    ...(serving.length === 0
      ? []
      : [{ measure: "failover until served again, p50", unit: "ms", value: percentile(serving, 0.5) ?? 0, reference: null, target: valueAtMost(BRIEF_FAILOVER_MS) }]),
    { measure: "acknowledged requests lost", unit: "requests", value: run.consistency.lostAcknowledged, reference: null, target: valueAtMost(0) },
    { measure: "replicas not identical to acknowledged + gave-up-applied", unit: "replicas", value: run.consistency.consistent ? notIdentical : Math.max(1, notIdentical), reference: null, target: valueAtMost(0) },
  ]
  const chart: Chart = {
    kind: "bar",
    title: `Table 2, cut ${run.outageS} s every ${run.periodS} s (${run.mode}): this run vs paper B`,
    yLabel: `count (of ${total} requests)`,
    series: ["this run", "paper B"],
    groups: [
      ...(run.clients.includes(NO_RETRY) ? [{ label: "failed, no retry", values: [no.failed, ref?.failed ?? 0] }] : []),
      ...(run.clients.includes(ANY_REPLICA) ? [{ label: "failed, one-shot any replica", values: [any.failed, ref?.failed ?? 0] }] : []),
      ...(run.clients.includes(WITH_RETRY) ? [{ label: "failed, SDK retry", values: [yes.failed, ref?.failed ?? 0] }] : []),
      { label: "leader changes", values: [changes, ref?.leaderChanges ?? 0] },
    ],
  }
  const details: Record<string, JsonValue> = {
    paper: ref === undefined ? null : { ...ref },
    failedReasons: { [NO_RETRY]: no.reasons, ...(run.clients.includes(ANY_REPLICA) ? { [ANY_REPLICA]: any.reasons } : {}), [WITH_RETRY]: yes.reasons },
    outcomes: Object.fromEntries(run.clients.map((name) => {
      const { acknowledged, gaveUpApplied, gaveUpNotApplied, unresolved } = count(run.records, name, run.resolved)
      return [name, { acknowledged, gaveUpApplied, gaveUpNotApplied, unresolved }]
    })),
    outages: run.outages.map((o) => ({ index: o.index, node: o.node, leaderAtCut: o.leaderAtCut ?? null, ...(o.etcdLeaderAtCut === undefined ? {} : { etcdLeaderAtCut: o.etcdLeaderAtCut }), startMs: o.startMs, endMs: o.endMs ?? null })),
    leaderships: run.leaderships.map((l) => ({ node: l.node, epoch: l.epoch, fromMs: l.fromMs, untilMs: l.untilMs ?? null })),
    failovers: run.failovers.map((f) => ({
      ...f,
      servingMs: f.servingMs ?? null,
      servingByClient: Object.fromEntries(run.clients.map((c) => [c, f.servingByClient[c] ?? null])),
    })),
    consistency: {
      compared: "each replica's list against the acknowledged numbers plus the gave-up ones the serving leader found applied (GET /v1/requests/:id), in log-index order",
      resolvedOn: run.resolvedOn,
      acknowledged: run.consistency.acknowledged,
      gaveUpApplied: run.consistency.gaveUpApplied,
      gaveUpNotApplied: run.consistency.gaveUpNotApplied,
      unresolved: run.consistency.unresolved,
      expected: run.consistency.expected,
      lostAcknowledged: run.consistency.lostAcknowledged,
      replicasAgree: run.consistency.replicasAgree,
      allIdentical: run.consistency.allIdentical,
      consistent: run.consistency.consistent,
      replicas: run.consistency.replicas.map((v) => ({ ...v })),
    },
    failoverTable: run.failovers.map(
      (f) => `${ms(f.atMs)}: ${f.from} -> ${f.to} (${f.cause}) elected after ${ms(f.electedMs)}, serving after ${ms(f.servingMs)} (${run.clients.map((c) => `${c} ${ms(f.servingByClient[c])}`).join(", ")})`,
    ),
    lab: run.lab,
    requests: run.records.map((r) => {
      const res = r.ok ? undefined : run.resolved.get(r.requestId)
      const lookup = r.ok ? null : res?._tag ?? "unresolved"
      return [run.clients.indexOf(r.client), r.seq, r.sentAtMs, r.doneAtMs, r.ok ? 1 : 0, r.outcome, r.index ?? null, r.node ?? null, r.attempts, lookup, res?._tag === "applied" ? res.index : null]
    }),
    // Before 6 December 2026 the client column was 0 for paper B's client and 1 for every
    // other; the rows are in client order either way (each client's seq starts at 0 again).
    clients: [...run.clients],
    requestColumns: [
      "client (index into clients)", "seq", "sentAtMs", "doneAtMs", "ok", "outcome", "index", "node", "attempts",
      "lookup (gave up: applied, not-applied, unresolved)", "applied index (found by lookup)",
    ],
  }
  return { figures, comparisons, chart, details }
}
