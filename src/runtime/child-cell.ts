/**
 * One child's runtime record inside a supervisor, and the two moves on it:
 * start (run `init` in a fresh scope, fork the loop) and stop (interrupt the
 * loop, close the scope, give up after `shutdownMs`). The supervisor owns the
 * cells and is the only fiber that calls these.
 */
import { Effect, Exit, Fiber, Option, Scope } from "effect"
import type { ChildSpec } from "./child-spec.ts"
import { emit, type LifecycleBus } from "./events.ts"
import { CurrentPath } from "./path.ts"

/** Where a child is in its life, as shown by `SupervisorHandle.children`. */
export type ChildStatus = "idle" | "starting" | "running" | "restarting" | "stopping" | "stopped"

/** A read-only snapshot of one child, for inspection (CLI, tests). */
export interface ChildInfo {
  readonly id: string
  readonly path: string
  readonly status: ChildStatus
  /** Restarts since the supervisor started. */
  readonly restarts: number
}

/** The mutable record the supervisor keeps for each child. */
export interface ChildCell<R> {
  readonly spec: ChildSpec<unknown, R>
  readonly path: string
  status: ChildStatus
  /** Bumped on each start, so exits of an earlier run can be told apart. */
  incarnation: number
  restarts: number
  /** Why the next start is a restart; set by the supervisor before restarting. */
  restartReason: string | undefined
  fiber: Fiber.Fiber<void, unknown> | undefined
  scope: Scope.Closeable | undefined
}

/** The end of one run of a child's main loop, reported to its supervisor. */
export interface ChildExit {
  readonly index: number
  readonly incarnation: number
  readonly exit: Exit.Exit<void, unknown>
}

/** A fresh, never-started cell. */
export const makeChildCell = <R>(spec: ChildSpec<unknown, R>, path: string): ChildCell<R> => ({
  spec,
  path,
  status: "idle",
  incarnation: 0,
  restarts: 0,
  restartReason: undefined,
  fiber: undefined,
  scope: undefined
})

/** The snapshot of a cell. */
export const childInfo = <R>(cell: ChildCell<R>): ChildInfo => ({
  id: cell.spec.id,
  path: cell.path,
  status: cell.status,
  restarts: cell.restarts
})

/**
 * Runs the child's `init` in a new scope and forks its loop into that scope.
 * Returns `init`'s exit; on failure the scope is left for `stopChild` to close.
 * When the loop ends, `report` is called with its exit.
 */
export const startChild = <R>(
  cell: ChildCell<R>,
  index: number,
  bus: LifecycleBus,
  report: (exit: ChildExit) => Effect.Effect<void>
): Effect.Effect<Exit.Exit<void, unknown>, never, R> =>
  Effect.gen(function*() {
    const incarnation = ++cell.incarnation
    const scope = yield* Scope.make()
    cell.status = "starting"
    cell.scope = scope
    const atPath = Effect.provideService(CurrentPath, cell.path)
    const initExit = yield* Effect.exit(atPath(Scope.provide(cell.spec.init, scope)))
    if (Exit.isFailure(initExit)) return Exit.failCause(initExit.cause)
    const loop = atPath(initExit.value).pipe(Effect.onExit((exit) => report({ index, incarnation, exit })))
    cell.fiber = yield* Effect.forkIn(loop, scope)
    cell.status = "running"
    const { id } = cell.spec
    const reason = cell.restartReason
    cell.restartReason = undefined
    yield* emit(bus, (at) =>
      reason === undefined
        ? { _tag: "started", path: cell.path, id, at }
        : { _tag: "restarted", path: cell.path, id, at, attempt: cell.restarts, reason })
    return Exit.void
  })

const waitAtMost = (fiber: Fiber.Fiber<void>, ms: number): Effect.Effect<boolean> =>
  Number.isFinite(ms)
    ? Effect.map(Effect.timeoutOption(Fiber.await(fiber), Math.max(0, ms)), Option.isSome)
    : Effect.as(Fiber.await(fiber), true)

/**
 * Stops a started child: interrupts its loop, then closes its scope with
 * `exit` (so finalizers can tell a crash from a shutdown). If that takes longer
 * than `shutdownMs`, the teardown is left running in the background and the
 * `stopped` event says `abandoned: true`. Does nothing to a child that holds no
 * scope. Cannot be interrupted halfway.
 */
export const stopChild = <R>(
  cell: ChildCell<R>,
  reason: string,
  bus: LifecycleBus,
  exit: Exit.Exit<unknown, unknown> = Exit.void
): Effect.Effect<void> =>
  Effect.uninterruptible(Effect.gen(function*() {
    const { fiber, scope } = cell
    if (scope === undefined) return
    cell.status = "stopping"
    cell.fiber = undefined
    cell.scope = undefined
    const teardown = yield* Effect.forkDetach(Effect.gen(function*() {
      if (fiber !== undefined) yield* Fiber.interrupt(fiber)
      yield* Scope.close(scope, exit)
    }))
    const finished = yield* waitAtMost(teardown, cell.spec.shutdownMs)
    cell.status = "stopped"
    yield* emit(bus, (at) => ({ _tag: "stopped", path: cell.path, id: cell.spec.id, at, reason, abandoned: !finished }))
  }))
