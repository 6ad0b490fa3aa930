/**
 * What the dashboard needs from the host, as narrow ports so the app stays socket-free
 * and its tests pass fakes: the registry (reads, and writes signed by the gateway's
 * manager key), this host's replica, every replica's progress from etcd, the registry
 * feed of location changes and claims, and the operator API keys.
 */
import type { Effect } from "effect"
import type { ReplicaStatus } from "../actors/replica/index.ts"
import type { FeedItem, RegistryFeed } from "../actors/registry-watcher/index.ts"
import type { RegistryError, ServiceRecord } from "../registry/index.ts"
import type { ManagerKeyMissing } from "./manager-key-missing.ts"

/** A confirmed manager action. */
export interface ActionReceipt {
  readonly txHash: string
  readonly blockNumber: number
}

/** Why a manager action failed: the registry said no, the node failed, or no manager key is set. */
export type ActionError = RegistryError | ManagerKeyMissing

/** The registry as the dashboard uses it; `registryAccess` builds the real one. */
export interface DashboardRegistry {
  /** The contract's address, shown on the pages. */
  readonly address: string
  /** The address that signs manager actions (the gateway's manager key), or undefined when none is configured. */
  readonly signer: string | undefined
  /** Every registered service with its record, in registration order. */
  readonly listServices: () => Effect.Effect<ReadonlyArray<ServiceRecord>, RegistryError>
  readonly getService: (serviceId: string) => Effect.Effect<ServiceRecord, RegistryError>
  /** The replica set the service's leader published (empty until one did). */
  readonly getMembers: (serviceId: string) => Effect.Effect<ReadonlyArray<string>, RegistryError>
  readonly register: (serviceId: string, location: string, info: string) => Effect.Effect<ActionReceipt, ActionError>
  readonly updateLocation: (serviceId: string, location: string, epoch: bigint) => Effect.Effect<ActionReceipt, ActionError>
  readonly updateInfo: (serviceId: string, info: string) => Effect.Effect<ActionReceipt, ActionError>
  readonly addManager: (serviceId: string, account: string) => Effect.Effect<ActionReceipt, ActionError>
  readonly removeManager: (serviceId: string, account: string) => Effect.Effect<ActionReceipt, ActionError>
}

/** This host's replica, as far as the dashboard looks at it (the replica handle fits). */
export interface ReplicaView {
  readonly status: () => ReplicaStatus
}

/** One replica's progress, from its `LPI/<node>` key: lag = LogSize - LPI. */
export interface ReplicaProgress {
  readonly node: string
  readonly lpi: number
  readonly lag: number
  readonly leader: boolean
}

/** One location change or claim the registry-watcher saw (confirmed once it has its confirmations, removed after a reorg). */
export type FeedEntry = FeedItem

/** The registry-watcher's feed as the dashboard reads it: recent items (newest first) and a subscription to new and changed ones. */
export type DashboardFeed = Pick<RegistryFeed, "recent" | "subscribe">

/** Everything the dashboard app is built from. */
export interface DashboardDeps {
  readonly registry: DashboardRegistry
  /** Absent on a host without the replica role. */
  readonly replica?: ReplicaView
  /** Every replica of this host's service; absent without etcd access. */
  readonly replicas?: () => Promise<ReadonlyArray<ReplicaProgress>>
  readonly feed: DashboardFeed
  /** Operator keys that may run manager actions (the intake's keys). */
  readonly apiKeys: ReadonlySet<string>
  /** Where those keys come from, named in a 401 (`[intake].api_keys_env`). */
  readonly apiKeysEnv: string
  /** How often the live parts of a page refresh; default 2000 ms. */
  readonly refreshMs?: number
  /** How often the feed stream sends a keep-alive comment; default 10000 ms. */
  readonly keepAliveMs?: number
}
