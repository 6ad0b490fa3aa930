/**
 * What one replica needs to run, decoupled from the host config so tests can start
 * several replicas of one service in one process.
 */
import type { EtcdOptions } from "../../adapters/etcd.ts"
import { etcdOptionsFrom } from "../../host/connections.ts"
import type { HostContext } from "../../host/host-context.ts"
import { replicaLocationOf } from "../../config/replica-listen.ts"
import { CONFIG_DEFAULTS } from "../../config/defaults.ts"

/** One replica's settings. */
export interface ReplicaSettings {
  /** This replica's node id: its `LPI/<node>` key and its name in the leader value. */
  readonly node: string
  /** The replicated service; its keys live under `<serviceId>/`. */
  readonly serviceId: string
  /** Where clients reach this replica's service, e.g. `http://127.0.0.1:8090` (published in the leader value and the registry). */
  readonly location: string
  readonly etcd: EtcdOptions
  /** TTL of the session lease that holds the leader key and the LPI key. */
  readonly leaseTtlS: number
  /** A leader steps down this long after its last answered keep-alive was sent; must be < leaseTtlS * 1000. */
  readonly stepDownAfterMs: number
  /** Entries between snapshots; the log below the lowest live LPI is trimmed at each. */
  readonly snapshotEvery: number
  /** How often the leader writes its beat (`[etcd].leader_beat_ms`); 0 or absent: no beat, and followers wait for a silent leader's lease to expire. */
  readonly leaderBeatMs?: number
  /**
   * This host's own etcd member, when `[replica].etcd_leader_elsewhere` is on and one is
   * known: while leading, the replica keeps etcd's raft leader off it (etcd-leader-apart.ts).
   * Absent: off.
   */
  readonly ownEtcdEndpoint?: string
}

/** The settings of the host's replica, from `[etcd]` and `[replica]`. */
export const replicaSettingsFrom = (ctx: HostContext): ReplicaSettings => ({
  node: ctx.host.name,
  serviceId: ctx.config.replica.service_id,
  location: replicaLocationOf(ctx.config, ctx.host),
  etcd: etcdOptionsFrom(ctx.config),
  leaseTtlS: ctx.config.etcd.lease_ttl_s,
  stepDownAfterMs: ctx.config.etcd.step_down_after_ms,
  snapshotEvery: ctx.config.replica.snapshot_every,
  leaderBeatMs: ctx.config.etcd.leader_beat_ms ?? CONFIG_DEFAULTS["etcd.leader_beat_ms"].value,
  ...((ctx.config.replica.etcd_leader_elsewhere ?? CONFIG_DEFAULTS["replica.etcd_leader_elsewhere"].value)
    ? optional("ownEtcdEndpoint", ownEtcdEndpointOf(ctx.config.etcd.endpoints, ctx.host.address))
    : {}),
})

/**
 * The host's own etcd member among `endpoints`: the one endpoint on this host, named by a
 * loopback address or by the host's `address` (paper B's layout: an etcd member on every
 * replica host). Undefined when no endpoint, or more than one, is on this host: a single
 * name in front of the whole cluster (a load balancer, a DNS name) reaches any member, and
 * asking "do you lead etcd?" through it would move etcd's leadership about for nothing (pure).
 */
export const ownEtcdEndpointOf = (endpoints: ReadonlyArray<string>, hostAddress: string | undefined): string | undefined => {
  const onThisHost = (url: string): boolean => {
    if (!URL.canParse(url)) return false
    const host = new URL(url).hostname
    return host === "localhost" || host === "[::1]" || host.startsWith("127.") || (hostAddress !== undefined && hostAddress !== "" && host === hostAddress)
  }
  const own = endpoints.filter(onThisHost)
  return own.length === 1 ? own[0] : undefined
}

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } => (value === undefined ? {} : ({ [key]: value } as { [P in K]?: V }))

/** Beats a leader may miss before the followers end its leadership. */
export const silentBeats = 3

/**
 * How often a keep-alive is sent: three times per TTL, as etcd's Go client does, so one
 * lost keep-alive does not bring the leader to its step-down deadline.
 */
export const renewEveryMs = (s: ReplicaSettings): number => Math.floor((s.leaseTtlS * 1000) / 3)
