/**
 * A replica's role within one session (one lease), as a pure state machine. Winning the
 * election makes it catch up before serving; it leads once it has applied everything
 * the log held when it was elected.
 *
 * Two timers run from the send of the last keep-alive that etcd answered:
 * - at `pauseAfterMs` a leader pauses: it is no longer reported as the serving leader,
 *   and requests wait in its queue (their appends are fenced by etcd, so a paused leader
 *   that has in fact been replaced commits nothing). A keep-alive answered before the
 *   second timer proves the lease never lapsed, so nobody else can have been elected: it
 *   leads again at the same epoch. This is what an election inside etcd looks like from
 *   here (renewals stall for a second or two while etcd has no raft leader, and etcd
 *   extends every lease when its new leader takes over), and before pausing existed each
 *   such stall ended the session and changed the service's leader.
 * - at `endAfterMs` (twice the lease TTL, see `leaseTimersOf`) the session ends.
 *
 * Neither waits for the client library to report the lease lost (that took about 2x TTL
 * here, long after a new leader was elected).
 */

/** The two timers, in ms since the last answered keep-alive was sent. */
export interface LeaseTimers {
  /** A leader stops serving and waits for a renewal (`[etcd].step_down_after_ms`). */
  readonly pauseAfterMs: number
  /** The session ends (twice `[etcd].lease_ttl_s`). */
  readonly endAfterMs: number
}

/** Why a session ended. */
export type EndReason =
  /** No keep-alive answered for `endAfterMs` (twice the lease TTL): the lease may well be gone. */
  | "lease-not-renewed"
  /** etcd said the lease is gone. */
  | "lease-expired"
  /** An append found another leader's key: this one was deposed. */
  | "fenced"
  /**
   * The leader key was deleted or re-created while this replica led: etcd ended the
   * leadership, for instance by revoking its lease, before any append noticed.
   */
  | "deposed"
  /** The replica is stopping. */
  | "stopping"

/** The role within the current session. */
export type Leadership =
  | { readonly _tag: "follower" }
  /** Elected; applying up to `target` (LogSize at election) before serving. */
  | { readonly _tag: "catching-up"; readonly epoch: number; readonly target: number }
  | { readonly _tag: "leader"; readonly epoch: number }
  /** A leader whose renewals are overdue: not serving, holding its lease and its queue until a renewal or `endAfterMs`. */
  | { readonly _tag: "paused"; readonly epoch: number }
  /** Terminal: the session is over; `epoch` is set if it was leading or catching up. */
  | { readonly _tag: "ended"; readonly epoch: number | undefined; readonly reason: EndReason }

/** What can happen to the role. */
export type LeadershipMsg =
  | { readonly _tag: "elected"; readonly epoch: number; readonly logSize: number; readonly lpi: number }
  | { readonly _tag: "applied"; readonly lpi: number }
  /** The clock moved; `renewedFrom` is when the last answered keep-alive was sent. */
  | { readonly _tag: "tick"; readonly now: number; readonly renewedFrom: number }
  | { readonly _tag: "fenced" }
  /** The watch on its own leader key saw it deleted or replaced. */
  | { readonly _tag: "deposed" }
  | { readonly _tag: "lease-expired" }
  | { readonly _tag: "stop" }

/** A session's starting role. */
export const followerRole: Leadership = { _tag: "follower" }

/** True when a leader must pause: its lease has gone `pauseAfterMs` without a renewal. */
export const pauseDue = (now: number, renewedFrom: number, timers: LeaseTimers): boolean => now - renewedFrom >= timers.pauseAfterMs

/** True when the session must end: its lease has gone `endAfterMs` without a renewal. */
export const endDue = (now: number, renewedFrom: number, timers: LeaseTimers): boolean => now - renewedFrom >= timers.endAfterMs

const epochOf = (s: Leadership): number | undefined => (s._tag === "catching-up" || s._tag === "leader" || s._tag === "paused" ? s.epoch : undefined)

/** The role after a clock tick: pause, resume or end on the lease timers. */
const onTick = (s: Leadership, now: number, renewedFrom: number, timers: LeaseTimers): Leadership => {
  if (s._tag === "follower") return s
  if (endDue(now, renewedFrom, timers)) return { _tag: "ended", epoch: epochOf(s), reason: "lease-not-renewed" }
  if (s._tag === "leader" && pauseDue(now, renewedFrom, timers)) return { _tag: "paused", epoch: s.epoch }
  if (s._tag === "paused" && !pauseDue(now, renewedFrom, timers)) return { _tag: "leader", epoch: s.epoch }
  return s
}

/** The role after `msg`. `ended` is terminal. */
export const transition = (s: Leadership, msg: LeadershipMsg, timers: LeaseTimers): Leadership => {
  if (s._tag === "ended") return s
  switch (msg._tag) {
    case "elected":
      if (s._tag !== "follower") return s
      return msg.lpi >= msg.logSize ? { _tag: "leader", epoch: msg.epoch } : { _tag: "catching-up", epoch: msg.epoch, target: msg.logSize }
    case "applied":
      return s._tag === "catching-up" && msg.lpi >= s.target ? { _tag: "leader", epoch: s.epoch } : s
    case "tick":
      return onTick(s, msg.now, msg.renewedFrom, timers)
    case "fenced":
      return { _tag: "ended", epoch: epochOf(s), reason: "fenced" }
    case "deposed":
      return s._tag === "follower" ? s : { _tag: "ended", epoch: epochOf(s), reason: "deposed" }
    case "lease-expired":
      return { _tag: "ended", epoch: epochOf(s), reason: "lease-expired" }
    case "stop":
      return { _tag: "ended", epoch: epochOf(s), reason: "stopping" }
  }
}
