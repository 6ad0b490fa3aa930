/**
 * Graceful drain for the process: run the root supervisor until SIGTERM or
 * SIGINT, then stop the tree in reverse start order (each child's finalizers
 * hand back or finish in-flight work and close connections) and exit 0.
 *
 * A second signal while draining forces exit 1 at once. If the root gives up
 * (escalates), the process exits 1 with the reason on stderr. The exit
 * function and the signal source are injectable, so tests drive the whole path
 * in-process.
 */
import { Cause, Deferred, Effect, Exit, type Fiber, type Layer, Scope } from "effect"
import { describeCause } from "./cause-reason.ts"
import { emit, LifecycleEvents } from "./events.ts"
import { startRoot } from "./root.ts"
import type { SupervisorSpec } from "./supervisor-spec.ts"

/** The signals that start a drain. */
export type StopSignal = "SIGTERM" | "SIGINT"

/** The signals drained on, in the order their handlers are installed. */
export const stopSignals: ReadonlyArray<StopSignal> = ["SIGTERM", "SIGINT"]

/** The process exit codes of the drain path. */
export const drainExitCodes = {
  /** The tree stopped cleanly after a signal. */
  drained: 0,
  /** A second signal arrived while draining. */
  forced: 1,
  /** The root escalated or could not start. */
  failed: 1,
  /** The drain did not finish within its deadline. */
  overran: 1
} as const

/** Where stop signals come from: the process, or a test's fake. */
export interface SignalSource {
  readonly on: (signal: StopSignal, handler: () => void) => void
  readonly off: (signal: StopSignal, handler: () => void) => void
}

/** The real process's signals. */
export const processSignals: SignalSource = {
  on: (signal, handler) => void process.on(signal, handler),
  off: (signal, handler) => void process.off(signal, handler)
}

/** Injectable edges of the drain path; each defaults to the real process. */
export interface DrainOptions {
  /** Ends the process; defaults to `process.exit`. */
  readonly exit?: ((code: number) => void) | undefined
  readonly signals?: SignalSource | undefined
  /** Writes one human-readable line; defaults to stderr. */
  readonly log?: ((line: string) => void) | undefined
  /**
   * How long a drain after a signal may take before the process exits anyway with
   * `drainExitCodes.overran` (`[runtime].drain_timeout_ms`); no limit when absent.
   */
  readonly drainTimeoutMs?: number | undefined
}

type Outcome =
  | { readonly _tag: "signal"; readonly signal: StopSignal }
  | { readonly _tag: "ended"; readonly exit: Exit.Exit<void, unknown> }

/**
 * The tree to run: a spec, or an effect that builds one. Build in an effect
 * when the spec needs resources that must outlive every restart, such as
 * actors' mailboxes (`makeActor`): its Scope closes only after the tree has
 * stopped.
 */
export type RootSource<R, E = never> = SupervisorSpec<R> | Effect.Effect<SupervisorSpec<R>, E, R | Scope.Scope>

/**
 * Builds and runs the root until a stop signal or a root failure, stops the
 * tree, calls `exit` with the code from `drainExitCodes` and also returns that
 * code. Lifecycle events go to the `LifecycleEvents` bus in context, including
 * a `draining` event when the signal arrives.
 */
export const drainMain = <R, E = never>(
  source: RootSource<R, E>,
  options: DrainOptions = {}
): Effect.Effect<number, never, Exclude<R, Scope.Scope>> => {
  const exit = options.exit ?? ((code: number) => process.exit(code))
  const signals = options.signals ?? processSignals
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`))
  const build: Effect.Effect<SupervisorSpec<R>, E, R | Scope.Scope> = Effect.isEffect(source) ? source : Effect.succeed(source)
  return Effect.scoped(Effect.gen(function*() {
    const built = yield* Effect.exit(build)
    if (Exit.isFailure(built)) {
      log(`runtime: could not build the supervision tree: ${describeCause(built.cause)}; exiting ${drainExitCodes.failed}`)
      return drainExitCodes.failed
    }
    const root = built.value
    const bus = yield* Effect.service(LifecycleEvents)
    const received = yield* Deferred.make<StopSignal>()
    let draining = false
    const handlers = stopSignals.map((signal) => ({
      signal,
      handler: () => {
        if (draining) {
          log(`runtime: second ${signal} while draining; forcing exit ${drainExitCodes.forced}`)
          exit(drainExitCodes.forced)
          return
        }
        draining = true
        Deferred.doneUnsafe(received, Exit.succeed(signal))
      }
    }))
    yield* Effect.acquireRelease(
      Effect.sync(() => handlers.forEach(({ handler, signal }) => signals.on(signal, handler))),
      () => Effect.sync(() => handlers.forEach(({ handler, signal }) => signals.off(signal, handler)))
    )

    const tree = yield* Scope.make()
    const onSignal = Deferred.await(received).pipe(
      Effect.tap((signal) => {
        log(`runtime: ${signal} received; draining "${root.id}" (send it again to force exit)`)
        return emit(bus, (at) => ({ _tag: "draining", path: root.id, id: root.id, at, reason: signal }))
      }),
      Effect.map((signal): Outcome => ({ _tag: "signal", signal }))
    )
    const runTree = startRoot(root).pipe(
      Effect.flatMap((handle) => handle.await),
      Scope.provide(tree),
      Effect.exit,
      Effect.map((ended): Outcome => ({ _tag: "ended", exit: ended }))
    )
    const outcome = yield* Effect.raceFirst(onSignal, runTree)
    draining = true
    const deadline = options.drainTimeoutMs
    const overrun =
      outcome._tag === "signal" && deadline !== undefined
        ? setTimeout(() => {
            log(`runtime: "${root.id}" did not drain within ${deadline} ms ([runtime].drain_timeout_ms); exiting ${drainExitCodes.overran}`)
            exit(drainExitCodes.overran)
          }, deadline)
        : undefined
    yield* Scope.close(tree, Exit.void)
    clearTimeout(overrun)

    let code: number = drainExitCodes.drained
    if (outcome._tag === "signal") {
      log(`runtime: "${root.id}" drained; exiting ${code}`)
    } else if (Exit.isFailure(outcome.exit) && !Cause.hasInterruptsOnly(outcome.exit.cause)) {
      code = drainExitCodes.failed
      log(`runtime: root supervisor "${root.id}" failed: ${describeCause(outcome.exit.cause)}; exiting ${code}`)
    }
    return code
  })).pipe(Effect.tap((code) => Effect.sync(() => exit(code))))
}

/**
 * The process entry point: builds the tree from `source`, provides `layer`
 * (the app's services, and a `LifecycleEvents` bus if events should be
 * observed) and drains on signals. A layer that fails to build exits 1.
 */
export const runMain = <R, E, LE>(
  source: RootSource<R, E>,
  layer: Layer.Layer<Exclude<R, Scope.Scope>, LE>,
  options: DrainOptions = {}
): Fiber.Fiber<number> => {
  const exit = options.exit ?? ((code: number) => process.exit(code))
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`))
  return Effect.runFork(drainMain(source, { ...options, exit, log }).pipe(
    Effect.provide(layer),
    Effect.catchCause((cause) =>
      Effect.sync(() => {
        log(`runtime: could not build the services: ${describeCause(cause)}; exiting ${drainExitCodes.failed}`)
        exit(drainExitCodes.failed)
        return drainExitCodes.failed
      })
    )
  ))
}
