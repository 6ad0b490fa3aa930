/**
 * Lifecycle events of the supervision tree, and the bus they are published on.
 *
 * Supervisors publish; metrics, tests and the CLI's logger subscribe. The bus
 * is a `Context.Reference`: when nobody provides one, events go nowhere and
 * supervisors need no extra requirement in their type.
 */
import { Clock, Context, Effect, Layer, PubSub, type Scope } from "effect"

interface EventBase {
  /** Tree path of the child, e.g. `root/consumer/node-throttler:btc-1`. */
  readonly path: string
  /** Id of the child (the last path segment). */
  readonly id: string
  /** Clock time in epoch milliseconds. */
  readonly at: number
}

/** A child's `init` returned for the first time: it is ready. */
export interface ChildStarted extends EventBase {
  readonly _tag: "started"
}

/** A child's `init` returned again after a crash (its own or a sibling's). */
export interface ChildRestarted extends EventBase {
  readonly _tag: "restarted"
  /** How many times this child has been restarted, this one included. */
  readonly attempt: number
  /** Why it had to be restarted. */
  readonly reason: string
}

/** A child crashed, either in `init` or in its main loop. */
export interface ChildFailed extends EventBase {
  readonly _tag: "failed"
  readonly phase: "init" | "loop"
  readonly reason: string
}

/** A child's loop is over and its scope closed (or abandoned after `shutdownMs`). */
export interface ChildStopped extends EventBase {
  readonly _tag: "stopped"
  readonly reason: string
  /** True when stopping outlasted `shutdownMs` and the runtime stopped waiting. */
  readonly abandoned: boolean
}

/** A supervisor exceeded its intensity, stopped its children and failed upward. */
export interface SupervisorEscalated extends EventBase {
  readonly _tag: "escalated"
  readonly reason: string
}

/** The process received a stop signal and is stopping the tree. */
export interface TreeDraining extends EventBase {
  readonly _tag: "draining"
  readonly reason: string
}

/** Every lifecycle event, discriminated by `_tag`. */
export type LifecycleEvent =
  | ChildStarted
  | ChildRestarted
  | ChildFailed
  | ChildStopped
  | SupervisorEscalated
  | TreeDraining

/** The stable, dotted name of each event, for log lines and metric labels. */
export const lifecycleEventNames: { readonly [Tag in LifecycleEvent["_tag"]]: string } = {
  started: "runtime.child.started",
  restarted: "runtime.child.restarted",
  failed: "runtime.child.failed",
  stopped: "runtime.child.stopped",
  escalated: "runtime.supervisor.escalated",
  draining: "runtime.process.draining"
}

/** Where lifecycle events go. `subscribe` sees only events published after it. */
export interface LifecycleBus {
  readonly publish: (event: LifecycleEvent) => Effect.Effect<void>
  readonly subscribe: Effect.Effect<PubSub.Subscription<LifecycleEvent>, never, Scope.Scope>
}

const silentBus: LifecycleBus = {
  publish: () => Effect.void,
  subscribe: Effect.flatMap(PubSub.unbounded<LifecycleEvent>(), PubSub.subscribe)
}

/** The bus supervisors publish to. Defaults to one that drops every event. */
export const LifecycleEvents = Context.Reference<LifecycleBus>("gateway/runtime/LifecycleEvents", {
  defaultValue: () => silentBus
})

/** Creates a bus backed by an unbounded `PubSub`, so slow subscribers never slow the tree. */
export const makeLifecycleBus: Effect.Effect<LifecycleBus> = Effect.map(
  PubSub.unbounded<LifecycleEvent>(),
  (pubsub) => ({
    publish: (event) => Effect.asVoid(PubSub.publish(pubsub, event)),
    subscribe: PubSub.subscribe(pubsub)
  })
)

/** Provides a fresh bus as `LifecycleEvents`, for entry points that compose layers. */
export const lifecycleBusLayer: Layer.Layer<never> = Layer.effect(LifecycleEvents, makeLifecycleBus)

/** Stamps an event with the clock's time and publishes it. */
export const emit = (bus: LifecycleBus, build: (at: number) => LifecycleEvent): Effect.Effect<void> =>
  Effect.flatMap(Clock.currentTimeMillis, (at) => bus.publish(build(at)))

/** A flat, structured log record for an event: `event` is its name from `lifecycleEventNames`. */
export const toLogRecord = (event: LifecycleEvent): Readonly<Record<string, string | number | boolean>> => {
  const { _tag, ...fields } = event
  return { event: lifecycleEventNames[_tag], ...fields }
}
