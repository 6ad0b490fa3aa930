/**
 * An actor's readiness check must not keep saying "ok" once the actor is gone. This
 * finalizer, added at the start of an actor's `init`, fails the check when the actor's
 * scope closes: with the actor's own failure when it crashed (its supervisor restarts
 * it, and the restarted actor passes the check again once it works), or saying it is
 * not running when it was stopped (the host is draining).
 */
import { Cause, Effect, Exit } from "effect"
import { describeCause } from "../runtime/cause-reason.ts"
import type { ReadinessCheck } from "./readiness.ts"

/** Why the check fails once the actor's scope closed with `exit`. */
export const stoppedReason = (actor: string, exit: Exit.Exit<unknown, unknown>): string =>
  Exit.isFailure(exit) && !Cause.hasInterruptsOnly(exit.cause)
    ? `${actor} failed (${describeCause(exit.cause)}); its supervisor restarts it`
    : `${actor} is not running (stopped, or the host is draining)`

/** Adds the finalizer to the current scope. */
export const failCheckOnStop = (check: ReadinessCheck, actor: string) =>
  Effect.addFinalizer((exit) => Effect.sync(() => check.fail(stoppedReason(actor, exit))))
