/**
 * A replica's role within one session (one lease), as a pure state machine. Winning the
 * election makes it catch up before serving; it leads once it has applied everything
 * the log held when it was elected. It steps down on its own timer, `stepDownAfterMs`
 * after the last keep-alive that etcd answered was sent, which is before the lease can
 * expire on the server: it never waits for the client library to report the lease lost
 * (that took about 2x TTL here, long after a new leader was elected).
 */

/** Why a session ended. */
export type EndReason =
  /** No keep-alive answered for `stepDownAfterMs`: the lease may be about to expire. */
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

/** True when a leader must step down: its lease has gone `stepDownAfterMs` without a renewal. */
export const stepDownDue = (now: number, renewedFrom: number, stepDownAfterMs: number): boolean => now - renewedFrom >= stepDownAfterMs

const epochOf = (s: Leadership): number | undefined => (s._tag === "catching-up" || s._tag === "leader" ? s.epoch : undefined)

/** The role after `msg`. `ended` is terminal. */
export const transition = (s: Leadership, msg: LeadershipMsg, stepDownAfterMs: number): Leadership => {
  if (s._tag === "ended") return s
  switch (msg._tag) {
    case "elected":
      if (s._tag !== "follower") return s
      return msg.lpi >= msg.logSize ? { _tag: "leader", epoch: msg.epoch } : { _tag: "catching-up", epoch: msg.epoch, target: msg.logSize }
    case "applied":
      return s._tag === "catching-up" && msg.lpi >= s.target ? { _tag: "leader", epoch: s.epoch } : s
    case "tick":
      return s._tag !== "follower" && stepDownDue(msg.now, msg.renewedFrom, stepDownAfterMs)
        ? { _tag: "ended", epoch: epochOf(s), reason: "lease-not-renewed" }
        : s
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
