/**
 * Every default of the config file, in one place: the value a key takes when the
 * file leaves it out, and why that value. A config a person can start from is then
 * `[kafka].brokers`, one `[[nodes]]` entry and one `[[hosts]]` entry; the defaults
 * are the production values config/local.toml spells out, except where local.toml
 * is tuned for anvil (`max_in_flight_per_sender`) or for a demo (`batch_accounts`).
 * Listens stay on loopback, as in local.toml, so nothing is exposed until the file
 * says so.
 *
 * Keys with no default (`NO_DEFAULT` below, each with its reason) are those that
 * name a specific deployment: the brokers, each node's endpoint and the load it may
 * take, each host's name, address and roles. Two deployment keys matter only to one
 * role each (`needed`): the etcd cluster to a replica, the registry's RPC URL to a
 * registry-watcher. Their defaults are stand-ins, so a config that runs neither may
 * leave `[etcd]`, `[replica]` and `[registry]` out; once a host runs the role, the
 * file must set the key, and `gateway config check` names the host (needed-keys.ts).
 * A `--role` given on the command line is not checked this way: it runs with the
 * stand-in (the local stack's address).
 *
 * A chain's identity (`[chains.ethereum].chain_id`, `[chains.bitcoin].network`) does
 * name a deployment too, but its default is the local stack's development chain on
 * purpose: a config that forgets it fails safe, refusing real transactions and
 * addresses and signing nothing a real chain would accept.
 *
 * Defaults are filled in before the schema runs (apply-defaults.ts), so every
 * consumer still reads a `GatewayConfig` with every key present, and a misspelt
 * key is still an unknown key, never a silent fallback to its default.
 */
import type { GatewayConfig } from "./gateway-config.ts"
import type { KeyOf, KeyValue } from "./key-path.ts"
import type { Role } from "./role.ts"

/** Every key path of the config, with its value's type. */
type ConfigKey = KeyOf<GatewayConfig>

/** A key path of the config, e.g. `kafka.topics.partitions` or `nodes[].timeout_ms`. */
export type ConfigKeyPath = ConfigKey["path"]

/** When a stand-in default will not do: a host runs `role`, which needs `what`. */
export interface Need {
  readonly role: Role
  readonly what: string
}

/** One row of the table: the default, the reason, and (for stand-ins) who needs a real value. */
export interface DefaultEntry<V> {
  readonly value: V
  readonly why: string
  readonly needed?: Need
}

type DefaultsTable = { readonly [P in ConfigKeyPath]?: DefaultEntry<Extract<ConfigKey, { readonly path: P }>["value"]> }

/** Key path → default value, with a one-line reason each. */
export const CONFIG_DEFAULTS = {
  "kafka.client_id": { value: "gateway", why: "prefix of the Kafka client id; the host name is appended, so broker logs say who connected" },
  "kafka.connection_timeout_ms": { value: 3000, why: "a broker that takes longer to accept a connection is treated as down" },
  "kafka.request_timeout_ms": { value: 30000, why: "kafkajs's own default; a produce waits this long for a busy leader" },
  "kafka.topics.requests": { value: "sendto", why: "the request topic's name in the papers" },
  "kafka.topics.results": { value: "sendto.results", why: "status changes, compacted, next to the request topic" },
  "kafka.topics.dlq": { value: "sendto.dlq", why: "poison messages, with the reason, next to the request topic" },
  "kafka.topics.webhooks": { value: "sendto.webhooks", why: "webhook registrations and parked deliveries, compacted, next to the request topic" },
  "kafka.topics.partitions": { value: 12, why: "divides evenly among 1, 2, 3, 4 or 6 consumer hosts" },
  "kafka.topics.replication_factor": { value: 3, why: "a request survives the loss of any one broker" },
  "kafka.topics.min_insync_replicas": { value: 2, why: "with 3 replicas, one broker may be down and writes still go on" },
  "kafka.producer.acks": { value: "all", why: "the only value accepted: a 202 means every in-sync replica has the request" },
  "kafka.producer.linger_ms": { value: 5, why: "accepted so older files still load, and not used: requests that arrive while a send is in flight share the next one (kafka/group-commit.ts), with no timer to wait for" },
  "kafka.producer.max_batch_messages": { value: 500, why: "bounds one produce call's size and the time it holds" },
  "kafka.producer.idempotent": { value: true, why: "the only value accepted: a retried send must not duplicate a request" },
  "kafka.consumer.group_id": { value: "gateway-consumers", why: "every consumer host shares one group, so each partition has one owner" },
  "kafka.consumer.session_timeout_ms": { value: 6000, why: "a dead consumer's partitions move within 6 s" },
  "kafka.consumer.heartbeat_interval_ms": { value: 1000, why: "several heartbeats fit in one session timeout" },
  "kafka.consumer.max_parallel_keys": { value: 16, why: "keys of one partition run in parallel up to this" },
  "kafka.consumer.max_bytes_per_partition": { value: 1048576, why: "1 MiB a fetch, kafkajs's own default" },
  "kafka.consumer.max_held_per_partition": { value: 5000, why: "a partition's executor holds this many messages before its fetch waits" },
  "kafka.consumer.transaction_timeout_ms": { value: 10000, why: "a frozen executor's open transaction is aborted after 10 s" },
  "kafka.consumer.transaction_interval_ms": { value: 2000, why: "under load a partition commits at most every 2 s, so each transaction carries more: in gateway bench drain broker CPU a request fell from 3.2 ms back to back to 2.3 ms at 1 s, and from 0.98-1.25 ms at 1 s to 0.59-0.70 ms at 2 s" },
  "kafka.consumer.transaction_interval_light_ms": { value: 500, why: "without a backlog (fewer than 32 messages held and in its last transaction) a partition commits every 0.5 s: in gateway bench drain --phases latency, 20 single transfers a second reached a block 0.84-0.90 s (p50) after the call, against 3.2 s at 2 s and 0.95-1.19 s back to back, where the brokers were 1.35 cores busy" },
  "intake.listen": { value: "127.0.0.1:8080", why: "loopback only: nothing is exposed until the file says 0.0.0.0:8080" },
  "intake.max_body_bytes": { value: 8388608, why: "8 MiB holds a full batch of 10,000 items" },
  "intake.max_batch_items": { value: 10000, why: "an airdrop or payroll in one call" },
  "intake.api_keys_env": { value: "GATEWAY_API_KEYS", why: "the variable the local stack writes the API keys to" },
  "intake.backlog_breaker": { value: 200000, why: "above this many unconsumed messages, new requests get 503" },
  "intake.retry_after_s": { value: 2, why: "the Retry-After sent with that 503" },
  "intake.accept_timeout_ms": {
    value: 10000,
    why: "long enough for the producer's retries to ride out a leader election, short enough for a client's timeout",
  },
  "etcd.endpoints": {
    value: ["http://127.0.0.1:2379"],
    why: "a stand-in (the local stack's first member) for configs where no host runs the replica role",
    needed: { role: "replica", what: "the etcd cluster's client URLs (e.g. [\"http://10.0.0.1:2379\"])" },
  },
  "etcd.lease_ttl_s": { value: 5, why: "a leader cut off from etcd loses its lease within 5 s" },
  "etcd.step_down_after_ms": { value: 3500, why: "a leader whose lease renewal is this overdue stops serving and waits for a renewal (it steps down at twice the lease TTL): an election inside etcd stalls renewals for a second or two without ending the lease" },
  "etcd.leader_beat_ms": { value: 0, why: "followers wait for a silent leader's lease to expire unless the file asks for a beat, which trades a spurious election on a stalled leader for a faster failover" },
  "etcd.dial_timeout_ms": { value: 3000, why: "an etcd member that takes longer to answer a dial is treated as down" },
  "replica.service_id": { value: "registry-dashboard", why: "the sample service's name in the ServiceRegistry" },
  "replica.snapshot_every": { value: 1000, why: "log entries between snapshots, after which the log is trimmed" },
  "replica.etcd_leader_elsewhere": {
    value: true,
    why: "a leader whose host also runs etcd's raft leader would lose both to one host failure (etcd elects first, then the service: 2-3.6 s in the failover lab against about 1 s); it acts only when exactly one [etcd].endpoints entry is on this host (loopback or the host's address)",
  },
  "replica.listen": { value: "127.0.0.1:8090", why: "loopback only, next to the intake's 8080; the Service Registry Dashboard" },
  "registry.rpc_url": {
    value: "http://127.0.0.1:8545",
    why: "a stand-in (the local stack's anvil) for configs where no host runs the registry-watcher role",
    needed: { role: "registry-watcher", what: "the JSON-RPC URL of the chain the ServiceRegistry is on" },
  },
  "registry.contract_address": {
    value: "",
    why: "none deployed yet: the watcher only logs that; gateway contracts deploy prints the address to set",
  },
  "registry.confirmations": { value: 1, why: "a location update counts once it is in a block" },
  "registry.poll_interval_ms": { value: 500, why: "how often the registry chain is asked for new blocks" },
  "registry.manager_key_env": { value: "GATEWAY_REGISTRY_KEY", why: "the variable the local stack writes the manager key to" },
  "registry.from_block": { value: 0, why: "without the deployment block, the dashboard scans the whole chain" },
  "chains.bitcoin.account": { value: "default", why: "the wallet's default account" },
  "chains.bitcoin.minconf": { value: 0, why: "the wallet may spend its own unconfirmed change, or a burst would wait a block per spend" },
  "chains.bitcoin.confirmations": { value: 1, why: "a transfer counts once mined; reorgs are watched until reorg_window_blocks deep" },
  "chains.bitcoin.network": {
    value: "simnet",
    why: "a test network: a config that forgets its network refuses real addresses (400 naming this key) rather than pay to them",
  },
  "chains.bitcoin.fee_rate_sat_vb": { value: 10, why: "satoshis per virtual byte of the transactions the gateway builds" },
  "chains.bitcoin.change_fanout_coins": { value: 16, why: "one coin pays 25 transactions a block, so 16 coins pay 400" },
  "chains.bitcoin.change_address_uses": { value: 1, why: "a fresh change address for every transaction, unless the operator trades that for speed" },
  "chains.bitcoin.batch_accounts": { value: [], why: "no account batches its payouts until the file names it" },
  "chains.bitcoin.batch_max_outputs": { value: 500, why: "most payouts in one batched transaction" },
  "chains.bitcoin.batch_linger_ms": { value: 1000, why: "a batch waits at most 1 s, from its oldest payout, for more" },
  "chains.bitcoin.rebroadcast_after_s": { value: 10, why: "a transaction the wallet still does not know after 10 s is sent again" },
  "chains.bitcoin.reorg_window_blocks": { value: 12, why: "confirmed transfers are watched for reorgs until 12 blocks deep" },
  "chains.ethereum.chain_id": {
    value: 31337,
    why: "a development chain (anvil's): a config that forgets its chain signs nothing a real chain would take",
  },
  "chains.ethereum.confirmations": { value: 1, why: "a transfer counts once mined; reorgs are watched until reorg_window_blocks deep" },
  "chains.ethereum.keystore_env": { value: "GATEWAY_ETH_KEYS", why: "the variable the local stack writes the signing keys to" },
  "chains.ethereum.max_in_flight_per_sender": { value: 16, why: "geth keeps 16 executable transactions per account" },
  "chains.ethereum.max_fee_gwei": { value: 500, why: "the fee cap: no signed version ever offers more per gas" },
  "chains.ethereum.max_tip_gwei": { value: 2, why: "the most priority fee offered, whatever the node suggests" },
  "chains.ethereum.bump_percent": { value: 13, why: "a replacement raises both fees by at least this; geth needs 10" },
  "chains.ethereum.bump_after_s": { value: 15, why: "not mined after 15 s: sign again with higher fees" },
  "chains.ethereum.rebroadcast_after_s": { value: 3, why: "the node forgot it after 3 s: send the same bytes again" },
  "chains.ethereum.reorg_window_blocks": { value: 64, why: "confirmed transfers are watched for reorgs until 64 blocks deep (two epochs)" },
  "nodes[].adaptive": { value: true, why: "limits drop when latency grows or the node says its queue is full" },
  "nodes[].timeout_ms": { value: 10000, why: "a call unanswered after 10 s counts as failed" },
  "nodes[].breaker_failures": { value: 5, why: "consecutive failures that open the node's circuit breaker" },
  "nodes[].breaker_reset_ms": { value: 5000, why: "an open breaker probes the node again after 5 s" },
  "reads.cache_mb": { value: 64, why: "answers kept per host, least recently used out first" },
  "reads.head_poll_ms": { value: 250, why: "each chain's head is read 4 times a second; answers about latest live until it moves" },
  "reads.head_idle_after_ms": { value: 30000, why: "a chain nobody read for 30 s is no longer followed (two node calls every head_poll_ms); the next read reads its head first" },
  "reads.hedge": { value: false, why: "a second node is asked only when the file turns hedging on" },
  "reads.carry_untouched": { value: true, why: "a new block of plain transfers leaves every other account as it was: their balance, nonce and code answers stay kept (Ethereum's fee rules; turn off for a rollup that pays fees to vault accounts)" },
  "reads.max_batch": { value: 100, why: "most calls in one JSON-RPC batch" },
  "reads.rate_while_draining": { value: 300, why: "a drain of transfers keeps its pace beside a read storm (reads bench, 2 cores: 1,000 reads/s cost the drain a quarter of its rate)" },
  "status.data_dir": { value: "gateway-data", why: "the status store's files, under the working directory; each host writes <data_dir>/<host>/" },
  "status.history_max": { value: 32, why: "status transitions kept per request; older ones are dropped, so a store stays bounded" },
  "webhooks.enabled": { value: true, why: "consumer hosts deliver webhooks; a deployment that must not call out turns it off" },
  "webhooks.retry_for_s": { value: 86400, why: "a receiver down for up to a day still gets every event; then the delivery is parked and listed" },
  "webhooks.timeout_ms": { value: 10000, why: "a receiver that takes longer than 10 s to answer counts as failed, and the attempt is retried" },
  "webhooks.max_in_flight": { value: 64, why: "attempts in flight at once on one notifier host, over every endpoint" },
  "webhooks.max_in_flight_per_endpoint": { value: 4, why: "a stalling endpoint holds at most 4 slots, so the others' deliveries go on" },
  "webhooks.max_pending": { value: 10000, why: "deliveries held before the notifier stops fetching, over every endpoint" },
  "webhooks.max_pending_per_endpoint": { value: 1000, why: "an endpoint down for long holds at most this many; its further events are parked at once, so the others' keep flowing" },
  "webhooks.max_per_key": { value: 16, why: "webhooks one API key may register; each event is posted to each of them" },
  "stack.profile": { value: "kraft", why: "Kafka without ZooKeeper; \"paper\" runs the papers' ZooKeeper ensemble" },
  "stack.anvil_block_time_s": { value: 1, why: "a block every second: anvil 1.7.1's automine (alone or mixed) stops mining for good after a burst of a few thousand transactions (foundry-rs/foundry#10122)" },
  "stack.etcd_members": { value: 3, why: "an etcd cluster that survives the loss of one member" },
  "runtime.mailbox_capacity": { value: 1024, why: "accepted so older files still load, and not used: each actor's mailbox has the capacity its messages need (the status view's holds 16 fetched batches, the location writer's 16 leadership changes)" },
  "runtime.max_restarts": { value: 5, why: "more restarts than this within restart_window_ms escalate to the parent" },
  "runtime.restart_window_ms": { value: 10000, why: "the window max_restarts is counted in" },
  "runtime.backoff_base_ms": { value: 100, why: "jittered exponential backoff between restarts starts here" },
  "runtime.backoff_max_ms": { value: 10000, why: "and is capped here" },
  "runtime.shutdown_timeout_ms": { value: 15000, why: "the longest any actor may take to stop; an actor's own budget is at most this (the partition consumer's, finishing its transactions, is 15 s)" },
  "runtime.drain_timeout_ms": { value: 15000, why: "on SIGTERM: stop intake and finish in-flight work, at most this long" },
  "hosts[].services": { value: [], why: "informational: what else the machine carries, for the layout report" },
  "hosts[].nodes": { value: [], why: "a host without the consumer role calls no node" },
} satisfies DefaultsTable

/** The keys with no default, and why: each names part of a specific deployment, or its absence means something. */
export const NO_DEFAULT: { readonly [P in ConfigKeyPath]?: string } = {
  "kafka.brokers": "which Kafka cluster: the deployment itself",
  "intake.rate_limit_rps": "absent means no rate limit",
  "intake.rate_limit_burst": "absent means one second's worth of rate_limit_rps",
  "status.retention_days": "absent means final requests are kept for good; a number of days must exceed sendto's retention.ms, or nothing is deleted",
  "nodes[].name": "how hosts and logs refer to the node",
  "nodes[].chain": "what the node speaks",
  "nodes[].url": "where the node is",
  "nodes[].max_in_flight": "the load this node can bear; the gateway's promise is never to exceed it",
  "nodes[].max_rps": "the load this node can bear; the gateway's promise is never to exceed it",
  "nodes[].user": "bitcoin nodes only, and required there (checked across keys)",
  "nodes[].password_env": "bitcoin nodes only, and required there (checked across keys)",
  "nodes[].wallet": "bitcoin nodes only, so not filled into every entry; absent, the consumer treats the node as btcwallet",
  "nodes[].wallet_passphrase_env": "only for a locked wallet",
  "hosts[].name": "which machine; --host picks it",
  "hosts[].address": "where the machine is",
  "hosts[].roles": "what the machine runs: the layout itself",
  "hosts[].replica_listen": "absent means [replica].listen",
}

/** One row of the defaults table, for code that walks all of them. */
export interface ConfigDefault {
  readonly path: string
  readonly value: KeyValue
  readonly why: string
  readonly needed?: Need
}

/** The table as rows, in the order written above. */
export const DEFAULT_ROWS: ReadonlyArray<ConfigDefault> = Object.entries(CONFIG_DEFAULTS).map(([path, entry]) => ({
  path,
  ...entry,
}))

/** The row for a key path as the table writes it (`nodes[].timeout_ms`), if it has a default. */
export const defaultRowOf = (path: string): ConfigDefault | undefined => DEFAULT_ROWS.find((row) => row.path === path)
