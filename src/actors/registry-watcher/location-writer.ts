/**
 * The leader's half of the watcher: whenever the host's replica becomes the serving
 * leader at a new epoch, make the registry point at this replica with that epoch
 * (registering the service first if nobody has). StaleEpoch means a newer leader already
 * moved it: logged, never retried. Any other failure (node down, nonce race, not a
 * manager) is retried with backoff for as long as this epoch still leads.
 */
import { Effect } from "effect"
import type { EthereumAccount } from "../../adapters/ethereum.ts"
import type { Logger } from "../../observability/log.ts"
import type { RegistryError } from "../../registry/registry-errors.ts"
import type { Registry } from "../../registry/registry-handle.ts"
import { getServiceLocation, type ServiceLocation } from "../../registry/registry-reads.ts"
import { register, updateLocation } from "../../registry/registry-writes.ts"
import { locationWriteRetryDelayMs } from "../../runtime/schedules.ts"
import type { ReplicaHandle } from "../replica/index.ts"
import { registryWatcherEvents, type RegistryWatcherMetrics, type WriteOutcomeLabel } from "./events.ts"
import { planWrite } from "./write-plan.ts"

/** What the writer needs. */
export interface LocationWriterDeps {
  readonly registry: Registry
  readonly account: EthereumAccount
  readonly serviceId: string
  /** This replica's location, `http://<replica listen>`. */
  readonly location: string
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

/** One attempt to move the registry to this leader of `epoch`; answers the outcome label. */
export const writeLocation = (d: LocationWriterDeps, epoch: number): Effect.Effect<WriteOutcomeLabel, RegistryError> =>
  Effect.gen(function* () {
    const labels = { service: d.serviceId, node: d.replica.node, epoch, location: d.location }
    const current = yield* currentOrRegister(d)
    const plan = planWrite(current, d.location, epoch)
    if (plan === "already") return "already"
    if (plan === "stale") {
      d.log.warn(registryWatcherEvents.staleEpoch, { ...labels, registry_epoch: Number(current.epoch), registry_location: current.location })
      return "stale"
    }
    return yield* updateLocation(d.registry, d.account, d.serviceId, d.location, BigInt(epoch)).pipe(
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
  })

/** The epoch this replica serves as leader at, or undefined. */
const servingEpoch = (d: LocationWriterDeps): number | undefined => {
  const s = d.replica.status()
  return s.role === "leader" ? s.epoch : undefined
}

/** Runs forever: writes the location once per epoch this replica leads. */
export const locationWriter = (d: LocationWriterDeps): Effect.Effect<never> =>
  Effect.gen(function* () {
    let settled: number | undefined
    let failing: { epoch: number; failures: number; retryAt: number } | undefined
    while (true) {
      const epoch = servingEpoch(d)
      if (failing !== undefined && failing.epoch !== epoch) failing = undefined
      if (epoch === undefined || epoch === settled || (failing !== undefined && Date.now() < failing.retryAt)) {
        yield* Effect.sleep(d.checkEveryMs)
        continue
      }
      const result = yield* Effect.result(writeLocation(d, epoch))
      if (result._tag === "Success") {
        d.metrics.locationWrites.inc({ outcome: result.success })
        settled = epoch
        failing = undefined
      } else {
        d.metrics.locationWrites.inc({ outcome: "failed" })
        const failures = (failing?.failures ?? 0) + 1
        const waitMs = locationWriteRetryDelayMs(failures)
        failing = { epoch, failures, retryAt: Date.now() + waitMs }
        d.log.warn(registryWatcherEvents.writeFailed, { service: d.serviceId, node: d.replica.node, epoch, error: result.failure._tag, detail: result.failure.message, retry_in_ms: waitMs })
      }
    }
  })
