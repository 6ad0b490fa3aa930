/**
 * The whole config file as one schema and one type. Keys stay snake_case,
 * exactly as written in TOML, so an error path like `kafka.topics.partitions`
 * is also the path a reader of the code types: there is no renaming layer
 * to drift out of step with the file.
 */
import { Schema } from "effect"
import {
  Bool,
  ContractAddress,
  EnvVarName,
  HostPortString,
  HttpUrlString,
  intAtLeast,
  NonEmptyString,
  nonEmptyListOf,
  oneOf,
  table,
} from "./field-schemas.ts"
import { HostConfigSchema } from "./host-config.ts"
import { KafkaConfigSchema } from "./kafka-config.ts"
import { CONFIG_DEFAULTS } from "./defaults.ts"
import { ChainsConfigSchema, NodeConfigSchema } from "./node-config.ts"

/** `[intake]`: the HTTP front door and the limits that keep it honest under a burst. */
export const IntakeConfigSchema = table("[intake]", {
  listen: HostPortString,
  max_body_bytes: intAtLeast(1),
  max_batch_items: intAtLeast(1),
  api_keys_env: EnvVarName,
  backlog_breaker: intAtLeast(1),
  retry_after_s: intAtLeast(1),
  /** How long a submission waits for Kafka's ack before it is answered 503 (default `defaultAcceptTimeoutMs`). */
  accept_timeout_ms: Schema.optionalKey(intAtLeast(1)),
  /** Requests a second each API key may send, across every producer host (each enforces its even share); absent: no limit. */
  rate_limit_rps: Schema.optionalKey(intAtLeast(1)),
  /** The most requests a key may send at once, across every producer host (default: one second's worth). */
  rate_limit_burst: Schema.optionalKey(intAtLeast(1)),
})

/** `[intake].accept_timeout_ms` when the config leaves it out (its reason is in defaults.ts). */
export const defaultAcceptTimeoutMs: number = CONFIG_DEFAULTS["intake.accept_timeout_ms"].value

/** `[etcd]`: the replicated request log and leader election of paper B. */
export const EtcdConfigSchema = table("[etcd]", {
  endpoints: nonEmptyListOf(HttpUrlString, "etcd client URLs"),
  lease_ttl_s: intAtLeast(1),
  step_down_after_ms: intAtLeast(1),
  dial_timeout_ms: intAtLeast(1),
  /** How often the leader writes its beat; followers end a leadership silent for 3 beats (0, the default: they wait for its lease to expire). */
  leader_beat_ms: Schema.optionalKey(intAtLeast(0)),
})

/** `[replica]`: the replicated sample service (the Service Registry Dashboard). */
export const ReplicaConfigSchema = table("[replica]", {
  service_id: NonEmptyString,
  snapshot_every: intAtLeast(1),
  listen: HostPortString,
  /** While leading, have etcd move its raft leadership off this host's member (only when exactly one `[etcd].endpoints` entry is on this host: loopback or the host's address). */
  etcd_leader_elsewhere: Schema.optionalKey(Bool),
})

/** `[registry]`: the ServiceRegistry contract the leader writes its location to. */
export const RegistryConfigSchema = table("[registry]", {
  rpc_url: HttpUrlString,
  contract_address: ContractAddress,
  confirmations: intAtLeast(0),
  poll_interval_ms: intAtLeast(1),
  /** The variable holding the manager key the leader signs location updates with (default GATEWAY_REGISTRY_KEY). */
  manager_key_env: Schema.optionalKey(EnvVarName),
  /** The block the registry was deployed in: the dashboard looks for registrations from here (default 0, the whole chain). */
  from_block: Schema.optionalKey(intAtLeast(0)),
})

/** `[stack]`: how the local real components are started (scripts/stack and the benches read it). */
export const StackConfigSchema = table("[stack]", {
  profile: oneOf(["kraft", "paper"]),
  anvil_block_time_s: intAtLeast(0),
  etcd_members: intAtLeast(1),
})

/** `[runtime]`: the actor system's limits: mailboxes, restart intensity, backoff, shutdown. */
export const RuntimeConfigSchema = table("[runtime]", {
  mailbox_capacity: intAtLeast(1),
  max_restarts: intAtLeast(0),
  restart_window_ms: intAtLeast(1),
  backoff_base_ms: intAtLeast(1),
  backoff_max_ms: intAtLeast(1),
  shutdown_timeout_ms: intAtLeast(1),
  drain_timeout_ms: intAtLeast(1),
})

/**
 * `[reads]`: the read front (`POST /v1/rpc/{chain}`, `GET /v1/balances/...`). The table
 * and each key are optional; their defaults are in defaults.ts.
 */
export const ReadsConfigSchema = table("[reads]", {
  /** Memory the answer cache may hold, in MiB, per host (default 64). */
  cache_mb: Schema.optionalKey(intAtLeast(1)),
  /** How often each chain's head is read, in ms (default 250); answers about `latest` live until it moves. */
  head_poll_ms: Schema.optionalKey(intAtLeast(10)),
  /** Stop following a chain's head after this long without a read of it, in ms (default 30000); the next read reads the head first. 0: always follow. */
  head_idle_after_ms: Schema.optionalKey(intAtLeast(0)),
  /** Send a read slower than the pool's p95 to a second node too (default false). */
  hedge: Schema.optionalKey(Bool),
  /** Carry Ethereum balance, nonce and code answers to a new head whose block of plain transfers did not touch their account (default true); off for a chain with other fee rules. */
  carry_untouched: Schema.optionalKey(Bool),
  /** Most JSON-RPC calls in one batch (default 100). */
  max_batch: Schema.optionalKey(intAtLeast(1)),
  /** Client read requests a second this host serves while its executors hold transfers not yet sent (default 300); 0: reads never wait for writes. */
  rate_while_draining: Schema.optionalKey(intAtLeast(0)),
})

/** `[reads]` with every default filled in. */
export interface ReadsSettings {
  readonly cacheBytes: number
  readonly headPollMs: number
  readonly headIdleAfterMs: number
  readonly hedge: boolean
  readonly carryUntouched: boolean
  readonly maxBatch: number
  readonly rateWhileDraining: number
}

/** The read front's settings: the config's values, else the defaults of defaults.ts. */
export const readsSettingsOf = (reads: typeof ReadsConfigSchema.Type | undefined): ReadsSettings => ({
  cacheBytes: (reads?.cache_mb ?? CONFIG_DEFAULTS["reads.cache_mb"].value) * 1024 * 1024,
  headPollMs: reads?.head_poll_ms ?? CONFIG_DEFAULTS["reads.head_poll_ms"].value,
  headIdleAfterMs: reads?.head_idle_after_ms ?? CONFIG_DEFAULTS["reads.head_idle_after_ms"].value,
  hedge: reads?.hedge ?? CONFIG_DEFAULTS["reads.hedge"].value,
  carryUntouched: reads?.carry_untouched ?? CONFIG_DEFAULTS["reads.carry_untouched"].value,
  maxBatch: reads?.max_batch ?? CONFIG_DEFAULTS["reads.max_batch"].value,
  rateWhileDraining: reads?.rate_while_draining ?? CONFIG_DEFAULTS["reads.rate_while_draining"].value,
})

/**
 * `[status]`: the status store each host keeps of `sendto.results` (what
 * `GET /v1/requests/...` answers and the executors check before they act). The table and
 * each key are optional; `statusSettingsOf` fills in the defaults.
 */
export const StatusConfigSchema = table("[status]", {
  /** Folder for the store's files, relative to the working directory (default "gateway-data"); each host writes `<data_dir>/<host>/`. */
  data_dir: Schema.optionalKey(NonEmptyString),
  /** Status transitions kept per request (default 32). */
  history_max: Schema.optionalKey(intAtLeast(1)),
  /** Days a final request is kept; then it is deleted here and a tombstone written to the topic (absent: kept for good). */
  retention_days: Schema.optionalKey(intAtLeast(1)),
})

/** `[status]` with every default filled in. */
export interface StatusSettings {
  readonly dataDir: string
  readonly historyMax: number
  /** Absent: final requests are kept for good. */
  readonly retentionDays?: number
}

/** The status store's settings: the config's values, else the defaults of defaults.ts. */
export const statusSettingsOf = (status: typeof StatusConfigSchema.Type | undefined): StatusSettings => ({
  dataDir: status?.data_dir ?? CONFIG_DEFAULTS["status.data_dir"].value,
  historyMax: status?.history_max ?? CONFIG_DEFAULTS["status.history_max"].value,
  ...(status?.retention_days === undefined ? {} : { retentionDays: status.retention_days }),
})

/**
 * `[webhooks]`: how the notifier delivers status changes to the endpoints clients
 * register (`POST /v1/webhooks`). The table and each key are optional; their defaults
 * are in defaults.ts. The notifier runs on every host with the consumer role while
 * `enabled` is true.
 */
export const WebhooksConfigSchema = table("[webhooks]", {
  /** Whether consumer hosts run the notifier (default true); registrations are taken either way. */
  enabled: Schema.optionalKey(Bool),
  /** How long a delivery is retried, from its first attempt, before it is parked (default a day). */
  retry_for_s: Schema.optionalKey(intAtLeast(1)),
  /** How long one attempt waits for the receiver's answer (default 10 s). */
  timeout_ms: Schema.optionalKey(intAtLeast(1)),
  /** Attempts in flight at once on one notifier host, over every endpoint (default 64). */
  max_in_flight: Schema.optionalKey(intAtLeast(1)),
  /** Attempts in flight at once to one endpoint, so a stalling one cannot take every slot (default 4). */
  max_in_flight_per_endpoint: Schema.optionalKey(intAtLeast(1)),
  /** Deliveries held (waiting, in flight or between retries) before the notifier stops fetching (default 10,000). */
  max_pending: Schema.optionalKey(intAtLeast(1)),
  /** Deliveries one endpoint may hold; past it, its new events are parked at once (default 1,000). */
  max_pending_per_endpoint: Schema.optionalKey(intAtLeast(1)),
  /** Webhooks one API key may register (default 16). */
  max_per_key: Schema.optionalKey(intAtLeast(1)),
})

/** `[webhooks]` with every default filled in. */
export interface WebhookSettings {
  readonly enabled: boolean
  readonly retryForMs: number
  readonly timeoutMs: number
  readonly maxInFlight: number
  readonly maxInFlightPerEndpoint: number
  readonly maxPending: number
  readonly maxPendingPerEndpoint: number
  readonly maxPerKey: number
}

/** The notifier's and the webhook routes' settings: the config's values, else the defaults of defaults.ts. */
export const webhookSettingsOf = (webhooks: typeof WebhooksConfigSchema.Type | undefined): WebhookSettings => ({
  enabled: webhooks?.enabled ?? CONFIG_DEFAULTS["webhooks.enabled"].value,
  retryForMs: (webhooks?.retry_for_s ?? CONFIG_DEFAULTS["webhooks.retry_for_s"].value) * 1000,
  timeoutMs: webhooks?.timeout_ms ?? CONFIG_DEFAULTS["webhooks.timeout_ms"].value,
  maxInFlight: webhooks?.max_in_flight ?? CONFIG_DEFAULTS["webhooks.max_in_flight"].value,
  maxInFlightPerEndpoint: webhooks?.max_in_flight_per_endpoint ?? CONFIG_DEFAULTS["webhooks.max_in_flight_per_endpoint"].value,
  maxPending: webhooks?.max_pending ?? CONFIG_DEFAULTS["webhooks.max_pending"].value,
  maxPendingPerEndpoint: webhooks?.max_pending_per_endpoint ?? CONFIG_DEFAULTS["webhooks.max_pending_per_endpoint"].value,
  maxPerKey: webhooks?.max_per_key ?? CONFIG_DEFAULTS["webhooks.max_per_key"].value,
})

/**
 * The whole file, once defaults.ts has filled in the keys it leaves out. Unknown keys
 * are errors (a misspelt limit must not silently fall back).
 */
export const GatewayConfigSchema = table("top-level", {
  kafka: KafkaConfigSchema,
  intake: IntakeConfigSchema,
  etcd: EtcdConfigSchema,
  replica: ReplicaConfigSchema,
  registry: RegistryConfigSchema,
  chains: ChainsConfigSchema,
  nodes: nonEmptyListOf(NodeConfigSchema, "[[nodes]] tables"),
  stack: StackConfigSchema,
  runtime: RuntimeConfigSchema,
  reads: Schema.optionalKey(ReadsConfigSchema),
  status: Schema.optionalKey(StatusConfigSchema),
  webhooks: Schema.optionalKey(WebhooksConfigSchema),
  hosts: nonEmptyListOf(HostConfigSchema, "[[hosts]] tables"),
})

/** A validated config: what `loadConfig` returns and `runGateway` receives. */
export type GatewayConfig = typeof GatewayConfigSchema.Type

/** `[intake]` settings, typed. */
export type IntakeConfig = GatewayConfig["intake"]
/** `[etcd]` settings, typed. */
export type EtcdConfig = GatewayConfig["etcd"]
/** `[replica]` settings, typed. */
export type ReplicaConfig = GatewayConfig["replica"]
/** `[registry]` settings, typed. */
export type RegistryConfig = GatewayConfig["registry"]
/** `[stack]` settings, typed. */
export type StackConfig = GatewayConfig["stack"]
/** `[runtime]` settings, typed. */
export type RuntimeConfig = GatewayConfig["runtime"]
