/**
 * The supervisor: starts its children in order, watches their main loops,
 * restarts them by strategy, policy and backoff, escalates when restarts exceed
 * its intensity, and stops them in reverse order when its scope closes.
 *
 * Effect 4 has no `Supervisor` module; this one is built from `Scope` (one per
 * child), `Queue` (children report their exits to it) and `Schedule` (backoff).
 * All of a supervisor's state is owned by one fiber at a time, its start and
 * then its loop, so restarts never race each other.
 */
import { Cause, Clock, Effect, Exit, Option, Queue, type Scope } from "effect"
import { restartBackoff } from "./schedules.ts"
import { makeBackoffTracker } from "./backoff-tracker.ts"
import { describeCause } from "./cause-reason.ts"
import {
  type ChildCell,
  type ChildExit,
  type ChildInfo,
  childInfo,
  makeChildCell,
  startChild,
  stopChild
} from "./child-cell.ts"
import { type ChildSpec, shouldRestart } from "./child-spec.ts"
import { EscalationError } from "./escalation-error.ts"
import { emit, LifecycleEvents } from "./events.ts"
import { currentPath, joinPath } from "./path.ts"
import { defaultIntensity, recordRestart } from "./restart-intensity.ts"
import { duplicateIds, restartGroup, type SupervisorSpec } from "./supervisor-spec.ts"

/** A supervisor whose children are started, with the loop that supervises them. */
export interface RunningSupervisor<R> {
  /** Tree path of the supervisor itself. */
  readonly path: string
  /** Handles child exits until interrupted; fails with `EscalationError` when it gives up. */
  readonly loop: Effect.Effect<never, EscalationError, R>
  /** Snapshot of the children, in start order. */
  readonly children: Effect.Effect<ReadonlyArray<ChildInfo>>
}

const isLive = <R>(cell: ChildCell<R>): boolean => cell.scope !== undefined

/**
 * Starts the children of `spec` in order, inside the current Scope, and
 * returns once all are started (a nested supervisor is ready when its whole
 * subtree is). Closing the Scope stops the children in reverse order. The
 * supervisor's path is the current `CurrentPath`. Fails with `EscalationError`
 * if children crash too often before they are all started.
 */
export const startSupervisor = <R>(
  spec: SupervisorSpec<R>
): Effect.Effect<RunningSupervisor<R>, EscalationError, R | Scope.Scope> =>
  Effect.gen(function*() {
    const duplicates = duplicateIds(spec.children)
    if (duplicates.length > 0) {
      return yield* Effect.die(new Cause.IllegalArgumentError(
        `Supervisor "${spec.id}" has duplicate child ids (${duplicates.join(", ")}); give each child a unique id.`
      ))
    }
    const path = yield* currentPath
    const bus = yield* Effect.service(LifecycleEvents)
    const intensity = spec.intensity ?? defaultIntensity
    const backoff = makeBackoffTracker(spec.backoff ?? restartBackoff, intensity.withinMs)
    const exits = yield* Queue.unbounded<ChildExit>()
    const cells = spec.children.map((child) => makeChildCell(child, joinPath(path, child.id)))
    const cellAt = (index: number): ChildCell<R> => cells[index]!
    let history: ReadonlyArray<number> = []

    const report = (exit: ChildExit) => Effect.asVoid(Queue.offer(exits, exit))

    const stopAll = (reason: string) =>
      Effect.gen(function*() {
        for (const cell of [...cells].reverse()) yield* stopChild(cell, reason, bus)
        for (const cell of cells) cell.status = "stopped"
      })

    const escalate = (cell: ChildCell<R>, kind: EscalationError["kind"], reason: string) =>
      Effect.gen(function*() {
        const error = new EscalationError({
          path,
          childId: cell.spec.id,
          kind,
          restarts: history.length,
          maxRestarts: intensity.maxRestarts,
          withinMs: intensity.withinMs,
          reason
        })
        yield* stopAll(`supervisor "${path}" escalated`)
        yield* emit(bus, (at) => ({ _tag: "escalated", path, id: spec.id, at, reason: error.message }))
        return yield* Effect.fail(error)
      })

    /** Counts the restart, stops the rest of the group, waits the backoff; returns the group to start. */
    const planRestart = (index: number, reason: string) =>
      Effect.gen(function*() {
        const crashed = cellAt(index)
        const now = yield* Clock.currentTimeMillis
        const verdict = recordRestart(history, now, intensity)
        history = verdict.history
        if (verdict.exceeded) return yield* escalate(crashed, "intensity", reason)
        const delay = yield* backoff.next(crashed.spec.id, now)
        if (Option.isNone(delay)) return yield* escalate(crashed, "backoff-exhausted", reason)

        const members = restartGroup(spec.strategy, index, cells.length)
          .filter((k) => k === index || isLive(cellAt(k)))
        for (const k of [...members].reverse()) {
          if (k !== index) yield* stopChild(cellAt(k), `restarting because "${crashed.spec.id}" crashed`, bus)
        }
        const group = members.filter((k) => k === index || cellAt(k).spec.restart !== "temporary")
        for (const k of group) {
          const cell = cellAt(k)
          cell.status = "restarting"
          cell.restarts += 1
          cell.restartReason = k === index ? reason : `sibling "${crashed.spec.id}" crashed: ${reason}`
        }
        if (delay.value > 0) yield* Effect.sleep(delay.value)
        return group
      })

    /** Starts the given children in order; an `init` failure is a crash handled on the spot. */
    const runStarts = (todo: ReadonlyArray<number>): Effect.Effect<void, EscalationError, R> =>
      Effect.gen(function*() {
        let pending = [...todo]
        while (pending.length > 0) {
          const index = pending.shift()!
          const cell = cellAt(index)
          const exit = yield* startChild(cell, index, bus, report)
          if (Exit.isSuccess(exit)) continue
          const reason = describeCause(exit.cause)
          yield* emit(bus, (at) => ({ _tag: "failed", path: cell.path, id: cell.spec.id, at, phase: "init", reason }))
          yield* stopChild(cell, `init failed: ${reason}`, bus, exit)
          if (!shouldRestart(cell.spec.restart, true)) continue
          const group = yield* planRestart(index, reason)
          pending = [...new Set([...group, ...pending])].sort((a, b) => a - b)
        }
      })

    const onChildExit = ({ exit, incarnation, index }: ChildExit) =>
      Effect.gen(function*() {
        const cell = cellAt(index)
        if (cell.incarnation !== incarnation || cell.status !== "running") return
        const failed = Exit.isFailure(exit)
        const reason = Exit.isFailure(exit) ? describeCause(exit.cause) : "loop returned"
        if (failed) {
          yield* emit(bus, (at) => ({ _tag: "failed", path: cell.path, id: cell.spec.id, at, phase: "loop", reason }))
        }
        yield* stopChild(cell, failed ? `crashed: ${reason}` : "loop returned", bus, exit)
        if (!shouldRestart(cell.spec.restart, failed)) return
        yield* runStarts(yield* planRestart(index, reason))
      })

    yield* Effect.addFinalizer(() => stopAll(`supervisor "${path}" stopping`))
    yield* runStarts(cells.map((_, index) => index))

    const loop: Effect.Effect<never, EscalationError, R> = Effect.gen(function*() {
      while (true) yield* onChildExit(yield* Queue.take(exits))
    })
    return { path, loop, children: Effect.sync(() => cells.map(childInfo)) }
  })

/**
 * Wraps a supervisor spec as a child spec, so a supervisor can sit under
 * another one. Its `init` returns once its own children are all started; its
 * loop fails with `EscalationError` when it gives up, which its parent treats
 * as a crash of this child.
 */
export const supervisorChild = <R>(spec: SupervisorSpec<R>): ChildSpec<EscalationError, R> => ({
  id: spec.id,
  restart: spec.restart ?? "permanent",
  shutdownMs: spec.shutdownMs ?? Number.POSITIVE_INFINITY,
  init: Effect.map(startSupervisor(spec), (running) => running.loop)
})
