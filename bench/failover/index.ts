/**
 * `gateway bench failover`: paper B's Table 2. Six nodes, each in its own network
 * namespace with an etcd member and a replica of the sample service, anvil mining every
 * 12 s with a fresh ServiceRegistry; clients send numbers while an attacker cuts a node's
 * link for 20 s every period. The run is imported only when the bench runs.
 */
import { defineBench } from "../lib/bench-definition.ts"
import { intFlag, numberFlag, stringFlag, switchFlag } from "../lib/bench-flags.ts"

/** The flags of `gateway bench failover`. */
export const FAILOVER_FLAGS = {
  mode: stringFlag({ value: "MODE", description: "Which node is cut: random (any node), leader (the current leader's) or etcd-leader (the node whose etcd member leads raft; not one of paper B's schedules)", default: "random", choices: ["random", "leader", "etcd-leader"] }),
  period: intFlag({ value: "S", description: "A cut starts every this many seconds (paper: 60, 30 or 25)", default: 60, min: 1, max: 3600 }),
  outage: intFlag({ value: "S", description: "How long each cut lasts; each cut ends on a multiple of --period", default: 20, min: 0, max: 3600 }),
  duration: intFlag({ value: "S", description: "How long the clients send", default: 600, min: 1, max: 86_400 }),
  rate: numberFlag({ value: "N", description: "Requests per second per client", default: 2, min: 0.1, max: 100 }),
  clients: stringFlag({
    value: "WHICH",
    description: "all: paper B's one-shot client (no retry), the gateway's one-shot client that any replica serves (Gateway-Forward: leader) and the SDK's retrying client, at the same time under the same cuts; both: the first and the last; or only one of them",
    default: "all",
    choices: ["all", "both", "no-retry", "any-replica", "retry"],
  }),
  nodes: intFlag({ description: "Nodes (namespaces), each with an etcd member and a replica", default: 6, min: 3, max: 9 }),
  blockTime: intFlag({ value: "S", description: "Seconds between blocks during the run (the paper's chain: 10-15 s)", default: 12, min: 0, max: 60 }),
  leaseTtl: intFlag({ value: "S", description: "The replicas' etcd lease TTL ([etcd].lease_ttl_s); 2 is etcd's floor at its default tick", default: 2, min: 1, max: 60 }),
  stepDownAfterMs: intFlag({ value: "MS", description: "A leader pauses (stops serving, keeps its lease) this long without a renewed lease, and steps down at twice --lease-ttl; below --lease-ttl x 1000", default: 1300, min: 100, max: 60_000 }),
  leaderBeatMs: intFlag({ value: "MS", description: "[etcd].leader_beat_ms: the leader's beat; followers end a leadership silent for 3 beats, before its lease expires (0: they wait for the lease)", default: 200, min: 0, max: 60_000 }),
  etcdLeaderAnywhere: switchFlag({
    description: "Set [replica].etcd_leader_elsewhere = false: etcd's raft leader may sit on the service leader's node, so one cut can take both (the behaviour before 7 December), for comparison",
  }),
  etcdHeartbeatMs: intFlag({ value: "MS", description: "etcd's --heartbeat-interval", default: 100, min: 10, max: 5000 }),
  etcdElectionMs: intFlag({ value: "MS", description: "etcd's --election-timeout", default: 1000, min: 50, max: 50_000 }),
  requestTimeoutMs: intFlag({ value: "MS", description: "One HTTP attempt's timeout in the client", default: 2000, min: 100, max: 60_000 }),
  retryDeadlineMs: intFlag({ value: "MS", description: "A retrying submit's whole budget", default: 60_000, min: 1000, max: 600_000 }),
  settleS: intFlag({ value: "S", description: "After the load, wait up to this long for every replica to catch up before comparing lists", default: 60, min: 1, max: 600 }),
  gateway: stringFlag({ value: "FILE", description: "The gateway binary the replicas run (default: this program when compiled, else dist/gateway, else bun src/main.ts)", default: "" }),
  anvil: stringFlag({ value: "FILE", description: "The anvil binary (default: the one npm installed)", default: "" }),
  timelineSvg: stringFlag({
    value: "FILE",
    description: "Where the request timeline (outages, leader changes, each request's outcome) is drawn",
    default: "bench/results/failover-timeline-latest.svg",
  }),
}

/** `gateway bench failover`. */
export const failoverBench = defineBench({
  name: "failover",
  summary: "Paper B's Table 2: 6 nodes in network namespaces, a node cut every period; failed requests, leader changes, replica sync",
  description: [
    "Builds a lab of --nodes network namespaces behind a bridge on 10.77.N.0/24 (root",
    "only; nothing outside the lab is touched), an etcd member and a replica",
    "(gateway --role replica,registry-watcher) in each, and anvil in its own",
    "namespace with a fresh ServiceRegistry, mining every --block-time s. Clients of",
    "the failover SDK send --rate numbers/s for --duration s: one without retry",
    "(paper B's client) and one with the SDK's retry, at the same time. The attacker",
    "takes a node's link down for --outage s every --period s (each cut ends on a",
    "multiple of the period). Reports failed requests of each client beside paper B's",
    "Table 2 (scaled when the run is shorter), leader changes, the failover time of",
    "each change, and whether every replica's list equals the acknowledged numbers.",
    "Every process is stopped by pid and the namespaces are deleted, also on Ctrl-C.",
  ],
  flags: FAILOVER_FLAGS,
  examples: [
    ["gateway bench failover --mode random --period 60", "Table 2's first random row, 10 minutes"],
    ["gateway bench failover --mode leader --period 25", "Table 2's hardest row"],
    ["gateway bench failover --duration 60 --period 20 --outage 8", "A quick run of 3 cuts"],
  ],
  run: async (options, io) => {
    const { runFailover } = await import("./run.ts")
    return runFailover(options, io)
  },
})
