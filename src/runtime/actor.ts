/**
 * A typed actor: a mailbox, a state, and a handler run one message at a time,
 * packaged as a child spec so a supervisor can run and restart it.
 *
 * On restart the ref stays valid: the mailbox belongs to the actor, not to one
 * run of its loop, so senders keep their `ActorRef` and messages already
 * waiting are handled by the new run. What a restart loses is the state (it
 * starts again from `initialState`, through `setup` when given) and the one
 * message whose handling crashed, which is not redelivered. While the actor is
 * down, `tell` keeps backpressuring once the mailbox is full. The mailbox is
 * shut down when the Scope `makeActor` ran in closes; after that `tell` fails
 * with `MailboxClosedError` and the loop ends normally.
 *
 * When the senders themselves belong to one run of a child (a Kafka consumer's
 * callbacks, a watch opened in `init`), `makeScopedActor` makes the actor inside that
 * run instead: its mailbox closes with the run, so nothing a dead run sent reaches the
 * next one, and the child runs the actor's loop beside its own.
 */
import { Effect, Option, type Scope } from "effect"
import type { ChildSpec, RestartPolicy } from "./child-spec.ts"
import { type Mailbox, type MailboxClosedError, makeMailbox } from "./mailbox.ts"

/** The address of an actor: the only way to reach it. */
export interface ActorRef<Msg> {
  readonly id: string
  /** Sends a message, suspending while the mailbox is full (backpressure). */
  readonly tell: (message: Msg) => Effect.Effect<void, MailboxClosedError>
  /** Sends a message if there is room; `false` when the mailbox is full. */
  readonly tryTell: (message: Msg) => Effect.Effect<boolean, MailboxClosedError>
  /** Messages waiting in the mailbox. */
  readonly pending: Effect.Effect<number>
}

/** How to build an actor. */
export interface ActorOptions<S, Msg, E, R> {
  /** Child id, unique among its siblings. */
  readonly id: string
  /** Most messages the mailbox holds before `tell` suspends. */
  readonly capacity: number
  /** The state each run of the loop starts from. */
  readonly initialState: S
  /**
   * Handles one message and returns the next state. Keep the decision in a
   * pure `transition(state, msg)` and do only the I/O here, so tests can run
   * the transition alone. A failure crashes the actor. `self` is the actor's own ref,
   * for a message it sends itself later (a retry after a backoff).
   */
  readonly handle: (state: S, message: Msg, self: ActorRef<Msg>) => Effect.Effect<S, E, R>
  /**
   * Runs before each run of the loop, in the child's Scope: open connections
   * here (their finalizers run when the actor stops) and return the state to
   * start from. The actor counts as started when this returns.
   */
  readonly setup?: ((initial: S) => Effect.Effect<S, E, R | Scope.Scope>) | undefined
  /** Defaults to `permanent`. */
  readonly restart?: RestartPolicy | undefined
  /** Defaults to 5000 ms. */
  readonly shutdownMs?: number | undefined
}

/** An actor's address and the spec to hand to its supervisor. */
export interface Actor<Msg, E, R> {
  readonly ref: ActorRef<Msg>
  readonly spec: ChildSpec<E, R>
}

/** Default `shutdownMs` of an actor. */
export const defaultActorShutdownMs = 5_000

/** The loop of an actor: takes one message at a time and hands it to `handle`, until the mailbox shuts down. */
const loopOver = <S, Msg, E, R>(
  mailbox: Mailbox<Msg>,
  ref: ActorRef<Msg>,
  handle: ActorOptions<S, Msg, E, R>["handle"]
) =>
(initial: S): Effect.Effect<void, E, R> =>
  Effect.gen(function*() {
    let state = initial
    while (true) {
      const next = yield* Effect.option(mailbox.take)
      if (Option.isNone(next)) return
      state = yield* handle(state, next.value, ref)
    }
  })

/** The ref senders use for `mailbox`. */
const refOf = <Msg>(id: string, mailbox: Mailbox<Msg>): ActorRef<Msg> => ({
  id,
  tell: mailbox.send,
  tryTell: mailbox.trySend,
  pending: mailbox.size
})

/**
 * Creates an actor's mailbox (in the current Scope) and returns its ref and
 * child spec. Nothing runs until a supervisor starts the spec.
 */
export const makeActor = <S, Msg, E = never, R = never>(
  options: ActorOptions<S, Msg, E, R>
): Effect.Effect<Actor<Msg, E, R>, never, Scope.Scope> =>
  Effect.gen(function*() {
    const mailbox = yield* makeMailbox<Msg>(options.capacity)
    yield* Effect.addFinalizer(() => mailbox.shutdown)
    const ref = refOf(options.id, mailbox)
    const run = loopOver(mailbox, ref, options.handle)
    const setup = options.setup ?? Effect.succeed
    return {
      ref,
      spec: {
        id: options.id,
        restart: options.restart ?? "permanent",
        shutdownMs: options.shutdownMs ?? defaultActorShutdownMs,
        init: Effect.map(setup(options.initialState), run)
      }
    }
  })

/** What `makeScopedActor` takes: an actor's options less the supervision ones, which are its child's. */
export type ScopedActorOptions<S, Msg, E, R> = Omit<ActorOptions<S, Msg, E, R>, "restart" | "shutdownMs">

/** An actor living for one run of a child: its ref, and the loop the child runs. */
export interface ScopedActor<Msg, E, R> {
  readonly ref: ActorRef<Msg>
  /** Handles messages one at a time until the run ends; a failure in `handle` fails it, and so crashes the child. */
  readonly loop: Effect.Effect<void, E, R>
}

/**
 * Makes an actor inside one run of a child: call it from the child's `init`. The
 * mailbox lives as long as the current Scope (that run), so it closes when the child
 * stops or crashes and the next run starts with an empty one; `setup` runs now, in the
 * same Scope. The child runs `loop` (beside its other loops, if any) and is supervised
 * as usual: a crash of the loop is a crash of the child.
 *
 * Acquire the actor after the resources whose callbacks send to it: finalizers run in
 * reverse, so its mailbox shuts down first and a sender suspended on a full mailbox is
 * released (with `MailboxClosedError`) before those resources wait for their callbacks.
 */
export const makeScopedActor = <S, Msg, E = never, R = never>(
  options: ScopedActorOptions<S, Msg, E, R>
): Effect.Effect<ScopedActor<Msg, E, R>, E, R | Scope.Scope> =>
  Effect.gen(function*() {
    const mailbox = yield* makeMailbox<Msg>(options.capacity)
    yield* Effect.addFinalizer(() => mailbox.shutdown)
    const ref = refOf(options.id, mailbox)
    const state = yield* (options.setup ?? Effect.succeed)(options.initialState)
    return { ref, loop: loopOver(mailbox, ref, options.handle)(state) }
  })
