/**
 * What the replica reports: its event names and its metrics, declared in one place so
 * dashboards and tests can rely on them. Every line carries the service and the node.
 */
import type { MetricsRegistry } from "../../observability/metrics.ts"

/** Event names this actor logs. */
export const replicaEvents = {
  connected: "replica.connected",
  sessionStarted: "replica.session-started",
  sessionEnded: "replica.session-ended",
  elected: "replica.elected",
  serving: "replica.serving",
  steppedDown: "replica.stepped-down",
  /** A leader's renewals are overdue (`[etcd].step_down_after_ms`): it stops serving and holds its lease and queue. */
  paused: "replica.paused",
  /** A paused leader's lease was renewed: it serves again at the same epoch, no election. */
  resumed: "replica.resumed",
  fenced: "replica.fenced",
  /** A follower ended a leadership whose beat stopped (`[etcd].leader_beat_ms`), before its lease expired. */
  deposedSilent: "replica.deposed-silent-leader",
  /** The serving leader's own etcd member led etcd's raft group; etcd handed that to another member (`[replica].etcd_leader_elsewhere`). */
  etcdLeaderMoved: "replica.etcd-leader-moved",
  /** Moving etcd's raft leadership off the leader's host failed; tried again later. */
  etcdLeaderMoveFailed: "replica.etcd-leader-move-failed",
  resynced: "replica.resynced",
  snapshotWritten: "replica.snapshot-written",
  snapshotLoaded: "replica.snapshot-loaded",
  logGap: "replica.log-gap",
  etcdRetry: "replica.etcd-retry",
  crashed: "replica.crashed",
  /** The sample service's HTTP front is listening (replica-http). */
  listening: "replica.listening",
} as const

/** The metrics this actor keeps, labelled by service and node. */
export const replicaMetrics = (metrics: MetricsRegistry) => ({
  lpi: metrics.gauge("gateway_replica_lpi", "Latest log index this replica has applied."),
  logSize: metrics.gauge("gateway_replica_log_size", "LogSize as this replica last saw it."),
  leader: metrics.gauge("gateway_replica_is_leader", "1 while this replica is the serving leader."),
  epoch: metrics.gauge("gateway_replica_epoch", "Epoch (leader key create revision) of this replica's leadership, 0 when not leading."),
  appended: metrics.counter("gateway_replica_appended_total", "Log entries this replica appended as leader."),
  stepDowns: metrics.counter("gateway_replica_step_downs_total", "Sessions that ended while leading or catching up."),
  pauses: metrics.counter("gateway_replica_pauses_total", "Times a leader paused for an overdue lease renewal (then resumed, or its session ended)."),
  etcdLeaderMoves: metrics.counter("gateway_replica_etcd_leader_moves_total", "Times this replica, leading, had etcd move its raft leadership off this host's member."),
  resyncs: metrics.counter("gateway_replica_resyncs_total", "Full re-syncs after a watch broke (compaction, cancel)."),
  appendSeconds: metrics.histogram("gateway_replica_append_seconds", "Latency of one fenced append transaction."),
})

/** The metric handles, as `replicaMetrics` makes them. */
export type ReplicaMetrics = ReturnType<typeof replicaMetrics>
