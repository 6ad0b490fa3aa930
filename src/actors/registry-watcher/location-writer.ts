/**
 * The leader's half of the watcher: whenever the host's replica becomes the serving
 * leader at a new epoch, make the registry point at this replica with that epoch
 * (registering the service first if nobody has), and publish the replica set from the
 * config when the registry holds another. StaleEpoch means a newer leader already
 * moved it: logged, never retried. Any other failure (node down, nonce race, not a
 * manager) is retried with backoff for as long as this epoch still leads.
 *
 * The writer is an actor (the runtime's, one per run of the watcher): it reads its
 * mailbox, and its decisions are the pure `writer-state.ts`. Leadership news comes from
 * a watch of the replica's role (the replica shows its role as state, so the watch looks
 * every `checkEveryMs` and sends news only when the serving epoch changes); the end of a
 * retry's wait is a message the writer sends itself. While a write is under way news
 * waits in the bounded mailbox, and a full mailbox holds the watch back.
 */
import { Effect, type Scope } from "effect"
import type { EthereumAccount } from "../../adapters/ethereum.ts"
import type { Logger } from "../../observability/log.ts"
import type { RegistryError } from "../../registry/registry-errors.ts"
import type { Registry } from "../../registry/registry-handle.ts"
import { getServiceLocation, getServiceMembers, type ServiceLocation } from "../../registry/registry-reads.ts"
import { sameMembers } from "../../registry/members.ts"
import { register, updateLocation, updateMembers } from "../../registry/registry-writes.ts"
import { type ActorRef, makeScopedActor } from "../../runtime/actor.ts"
import { locationWriteRetryDelayMs } from "../../runtime/schedules.ts"
import type { ReplicaHandle } from "../replica/index.ts"
import { registryWatcherEvents, type RegistryWatcherMetrics, type WriteOutcomeLabel } from "./events.ts"
import { planWrite } from "./write-plan.ts"
import { afterWrite, initialWriter, onWriterMsg, type WriterMsg, type WriterState } from "./writer-state.ts"

/** What the writer needs. */
export interface LocationWriterDeps {
  readonly registry: Registry
  readonly account: EthereumAccount
  readonly serviceId: string
  /** This replica's location, `http://<replica listen>`. */
  readonly location: string
  /** Every replica's location from the config, published as the service's replica set (empty: none published). */
  readonly members: ReadonlyArray<string>
  readonly replica: Pick<ReplicaHandle<unknown>, "status" | "node">
  readonly log: Logger
  readonly metrics: RegistryWatcherMetrics
  /** How often the replica's role is checked. */
  readonly checkEveryMs: number
}

/** The registry's location, registering the service here (epoch 0) if it is unknown. */
const currentOrRegister = (d: LocationWriterDeps): Effect.Effect<ServiceLocation, RegistryError> =>
  getServiceLocation(d.registry, d.serviceId).pipe(
    Effect.catchTag("UnknownService", () =>
      register(d.registry, d.account, d.serviceId, d.location, `gateway replicated service ${d.serviceId}`).pipe(
        Effect.tap((w) => Effect.sync(() => d.log.info(registryWatcherEvents.registered, { service: d.serviceId, location: d.location, tx: w.hash, manager: d.account.address }))),
        Effect.as<ServiceLocation>({ location: d.location, epoch: 0n }),
        // Another replica registered it first: read what it wrote.
        Effect.catchTag("AlreadyRegistered", () => getServiceLocation(d.registry, d.serviceId)),
      )),
  )

/**
 * Publishes the configured replica set when the registry holds another one (after this
 * leader wrote its location: clients that read the set try these members when the
 * location is silent). Fails like any registry write; the writer's retry covers it.
 */
const writeMembers = (d: LocationWriterDeps, epoch: number): Effect.Effect<void, RegistryError> =>
  Effect.gen(function* () {
    if (d.members.length === 0) return
    const held = yield* getServiceMembers(d.registry, d.serviceId)
    if (sameMembers(held, d.members)) return
    const w = yield* updateMembers(d.registry, d.account, d.serviceId, d.members)
    d.log.info(registryWatcherEvents.membersWritten, { service: d.serviceId, node: d.replica.node, epoch, members: d.members.join(","), tx: w.hash, block: w.blockNumber })
  })

/** One attempt to move the registry to this leader of `epoch`, and to publish the replica set; answers the outcome label. */
export const writeLocation = (d: LocationWriterDeps, epoch: number): Effect.Effect<WriteOutcomeLabel, RegistryError> =>
  Effect.gen(function* () {
    const labels = { service: d.serviceId, node: d.replica.node, epoch, location: d.location }
    const current = yield* currentOrRegister(d)
    const plan = planWrite(current, d.location, epoch)
    if (plan === "already") {
      yield* writeMembers(d, epoch)
      return "already"
    }
    if (plan === "stale") {
      d.log.warn(registryWatcherEvents.staleEpoch, { ...labels, registry_epoch: Number(current.epoch), registry_location: current.location })
      return "stale"
    }
    const outcome = yield* updateLocation(d.registry, d.account, d.serviceId, d.location, BigInt(epoch)).pipe(
      Effect.map((w): WriteOutcomeLabel => {
        d.log.info(registryWatcherEvents.locationWritten, { ...labels, tx: w.hash, block: w.blockNumber })
        return "written"
      }),
      Effect.catchTag("StaleEpoch", (e) =>
        Effect.sync((): WriteOutcomeLabel => {
          d.log.warn(registryWatcherEvents.staleEpoch, { ...labels, registry_epoch: Number(e.lastEpoch) })
          return "stale"
        })),
    )
    if (outcome === "written") yield* writeMembers(d, epoch)
    return outcome
  })

/** The epoch this replica leads at, or undefined; a paused leader still leads (it resumes, or its session ends). */
const servingEpoch = (d: LocationWriterDeps): number | undefined => {
  const s = d.replica.status()
  return s.role === "leader" || s.role === "paused" ? s.epoch : undefined
}

/** News waiting for the writer before the watch waits too (news is rare: one per change of leader). */
const writerCapacity = 8

/** Handles one message: writes when the state machine says so, and after a failure sends itself the retry. */
const handle = (d: LocationWriterDeps, scope: Scope.Scope) => (state: WriterState, msg: WriterMsg, self: ActorRef<WriterMsg>) =>
  Effect.gen(function* () {
    const next = onWriterMsg(state, msg)
    const epoch = next.write
    if (epoch === undefined) return next.state
    const result = yield* Effect.result(writeLocation(d, epoch))
    const outcome = result._tag === "Success" ? result.success : "failed"
    d.metrics.locationWrites.inc({ outcome })
    const after = afterWrite(next.state, epoch, outcome, locationWriteRetryDelayMs)
    if (result._tag === "Failure" && after.retryInMs !== undefined) {
      d.log.warn(registryWatcherEvents.writeFailed, { service: d.serviceId, node: d.replica.node, epoch, error: result.failure._tag, detail: result.failure.message, retry_in_ms: after.retryInMs })
      yield* Effect.forkIn(Effect.delay(Effect.ignore(self.tell({ _tag: "retry", epoch })), after.retryInMs), scope)
    }
    return after.state
  })

/** Tells the writer each change of the epoch the replica serves at, looking every `checkEveryMs`. */
const watchLeadership = (d: LocationWriterDeps, writer: ActorRef<WriterMsg>): Effect.Effect<never> =>
  Effect.gen(function* () {
    let told: { readonly epoch: number | undefined } | undefined
    while (true) {
      const epoch = servingEpoch(d)
      if (told === undefined || told.epoch !== epoch) {
        // The mailbox closes only with this run, after this loop was stopped.
        yield* Effect.orDie(writer.tell({ _tag: "serving", epoch }))
        told = { epoch }
      }
      yield* Effect.sleep(d.checkEveryMs)
    }
  })

/**
 * Makes the writer for this run of the watcher (in its Scope) and returns its loop,
 * which runs forever: it writes the location once per epoch this replica leads.
 */
export const locationWriter = (d: LocationWriterDeps): Effect.Effect<Effect.Effect<void>, never, Scope.Scope> =>
  Effect.gen(function* () {
    const scope = yield* Effect.scope
    const writer = yield* makeScopedActor({ id: "registry-watcher.location-writer", capacity: writerCapacity, initialState: initialWriter, handle: handle(d, scope) })
    return Effect.asVoid(Effect.all([watchLeadership(d, writer.ref), writer.loop], { concurrency: "unbounded", discard: true }))
  })
