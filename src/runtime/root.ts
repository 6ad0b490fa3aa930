/**
 * Starting the root of a supervision tree and holding on to it.
 */
import { Cause, Deferred, Effect, Exit, Scope } from "effect"
import type { ChildInfo } from "./child-cell.ts"
import type { EscalationError } from "./escalation-error.ts"
import { CurrentPath } from "./path.ts"
import { startSupervisor } from "./supervisor.ts"
import type { SupervisorSpec } from "./supervisor-spec.ts"

/** The in-process handle on a running tree: inspect it, wait on it, stop it. */
export interface SupervisorHandle {
  /** The root's path, which is its id. */
  readonly path: string
  /** Snapshot of the root's direct children, in start order. */
  readonly children: Effect.Effect<ReadonlyArray<ChildInfo>>
  /**
   * Succeeds once the tree has been stopped (by `stop` or by closing the
   * Scope it was started in); fails with `EscalationError` when the root gives
   * up, by which time all its children are already stopped.
   */
  readonly await: Effect.Effect<void, EscalationError>
  /** Stops the tree, children in reverse start order, and waits for it. Safe to repeat. */
  readonly stop: Effect.Effect<void>
}

/**
 * Starts a root supervisor in the current Scope and returns once every child
 * is started. Closing that Scope stops the tree. Fails with `EscalationError`
 * if the children crash too often while starting.
 */
export const startRoot = <R>(
  spec: SupervisorSpec<R>
): Effect.Effect<SupervisorHandle, EscalationError, R | Scope.Scope> =>
  Effect.gen(function*() {
    const rootScope = yield* Scope.fork(yield* Effect.scope)
    const done = yield* Deferred.make<void, EscalationError>()
    const atRoot = Effect.provideService(CurrentPath, spec.id)
    const running = yield* atRoot(Scope.provide(startSupervisor(spec), rootScope)).pipe(
      Effect.onError((cause) => Scope.close(rootScope, Exit.failCause(cause)))
    )
    yield* Effect.forkIn(
      atRoot(running.loop).pipe(Effect.onExit((exit) =>
        Exit.isFailure(exit) && !Cause.hasInterruptsOnly(exit.cause)
          ? Deferred.failCause(done, exit.cause)
          : Deferred.succeed(done, undefined)
      )),
      rootScope
    )
    return {
      path: running.path,
      children: running.children,
      await: Deferred.await(done),
      stop: Effect.andThen(Scope.close(rootScope, Exit.void), Deferred.succeed(done, undefined))
    }
  })
