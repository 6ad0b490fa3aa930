/**
 * The host's readiness: what the roles on this host can do right now, as named checks
 * ("producer.kafka", "consumer.group", "replica.etcd"). Each actor registers its check
 * when the host tree is built (failing, "not started"), and feeds it evidence as it
 * works: a probe answered, a send failed, a heartbeat went through. `/readyz` on the
 * intake and on the replica listen report the same registry, so a load balancer stops
 * sending to a host whose roles cannot do their job, and an operator reads which check
 * fails, why and since when.
 *
 * A check may go stale: evidence that is not renewed within `staleAfterMs` counts as a
 * failure from the moment it expired (a heartbeat that stopped is not a member any more).
 * The state is pure data moved by `stepSignal` and read by `readSignal`, so it is tested
 * without clocks or I/O.
 */

/** What one check says at one moment. */
export type CheckReading =
  | { readonly ok: true; readonly since: number }
  | { readonly ok: false; readonly since: number; readonly reason: string }

/** How a check judges its evidence. */
export interface SignalOptions {
  /** Why it fails before any evidence arrived (e.g. "the producer has not connected yet"). */
  readonly initialReason: string
  /** A passing check fails once no new pass arrives for this long; none: evidence never expires. */
  readonly staleAfterMs?: number
  /** What a stale check says, before "(last ok N ms ago)", e.g. "no heartbeat answered". */
  readonly staleReason?: string
}

/** The evidence gathered so far: the last verdict, when it began, and the last pass. */
export interface SignalState {
  readonly ok: boolean
  /** When the reading last changed between passing and failing. */
  readonly since: number
  /** The last failure's reason (the initial reason before any evidence). */
  readonly reason: string
  /** When evidence last said ok; staleness counts from here. */
  readonly lastPass: number | undefined
}

/** One piece of evidence. */
export type Evidence = { readonly ok: true } | { readonly ok: false; readonly reason: string }

/** A check that has seen nothing yet: failing since `at` with the initial reason. */
export const initialSignal = (options: SignalOptions, at: number): SignalState => ({ ok: false, since: at, reason: options.initialReason, lastPass: undefined })

/** What the state says at `now`: its last verdict, unless a pass has gone stale. */
export const readSignal = (state: SignalState, now: number, options: SignalOptions): CheckReading => {
  if (!state.ok) return { ok: false, since: state.since, reason: state.reason }
  const stale = options.staleAfterMs
  if (stale === undefined || state.lastPass === undefined || now - state.lastPass <= stale) return { ok: true, since: state.since }
  return { ok: false, since: state.lastPass + stale, reason: `${options.staleReason ?? "no fresh evidence"} (last ok ${now - state.lastPass} ms ago, allowed ${stale} ms)` }
}

/**
 * Adds evidence at `at`. `since` moves only when the reading flips: a failure while
 * failing keeps the first failure's time (and takes the newest reason); a pass after
 * the evidence went stale starts a new ok period.
 */
export const stepSignal = (state: SignalState, evidence: Evidence, at: number, options: SignalOptions): SignalState => {
  const before = readSignal(state, at, options)
  if (evidence.ok) return { ok: true, since: before.ok ? before.since : at, reason: state.reason, lastPass: at }
  return { ok: false, since: before.ok ? at : before.since, reason: evidence.reason, lastPass: state.lastPass }
}

/** One named check an actor feeds. */
export interface ReadinessCheck {
  readonly name: string
  /** The role can do its job (a probe answered, a send was acked, a heartbeat went through). */
  readonly pass: () => void
  /** It cannot, and why, in words an operator can act on. */
  readonly fail: (reason: string) => void
  readonly read: () => CheckReading
}

/** One check as `/readyz` reports it. */
export interface CheckReport {
  readonly name: string
  readonly state: "ok" | "failing"
  /** ISO time the check entered this state. */
  readonly since: string
  /** Why it fails; only on a failing check. */
  readonly reason?: string
}

/** Every check of the host; ready when all of them are ok. */
export interface ReadinessReport {
  readonly ready: boolean
  readonly checks: readonly CheckReport[]
}

/** The host's registry of checks. */
export interface Readiness {
  /** Registers check `name`, or returns the one already registered under that name (a restarted actor gets its old check). */
  readonly check: (name: string, options: SignalOptions) => ReadinessCheck
  readonly report: () => ReadinessReport
}

/** A check on its own, outside any registry (for code whose caller passes none). */
export const standaloneCheck = (name: string, options: SignalOptions, clock: () => number = Date.now): ReadinessCheck => {
  let state = initialSignal(options, clock())
  return {
    name,
    pass: () => { state = stepSignal(state, { ok: true }, clock(), options) },
    fail: (reason) => { state = stepSignal(state, { ok: false, reason }, clock(), options) },
    read: () => readSignal(state, clock(), options),
  }
}

/** Turns readings into the report, checks in registration order. */
export const reportOf = (checks: readonly ReadinessCheck[]): ReadinessReport => {
  const rows = checks.map((c): CheckReport => {
    const r = c.read()
    const since = new Date(r.since).toISOString()
    return r.ok ? { name: c.name, state: "ok", since } : { name: c.name, state: "failing", since, reason: r.reason }
  })
  return { ready: rows.every((r) => r.state === "ok"), checks: rows }
}

/** An empty registry; `clock` is epoch ms (tests pass their own). */
export const makeReadiness = (clock: () => number = Date.now): Readiness => {
  const checks = new Map<string, ReadinessCheck>()
  return {
    check: (name, options) => {
      const known = checks.get(name)
      if (known !== undefined) return known
      const made = standaloneCheck(name, options, clock)
      checks.set(name, made)
      return made
    },
    report: () => reportOf([...checks.values()]),
  }
}

/** The `/readyz` answer both listeners give: 200 when ready, else 503, naming every check and the failing ones. */
export const readinessAnswer = (report: ReadinessReport): { readonly status: 200 | 503; readonly body: Readonly<Record<string, unknown>> } => {
  const failing = report.checks.filter((c) => c.state === "failing").map((c) => c.name)
  if (report.ready) return { status: 200, body: { status: "ready", checks: report.checks } }
  const why = report.checks.flatMap((c) => (c.state === "failing" ? [`${c.name}: ${c.reason ?? "failing"}`] : []))
  return { status: 503, body: { status: "not ready", message: `not ready: ${why.join("; ")}`, failing, checks: report.checks } }
}
