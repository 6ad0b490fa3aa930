/**
 * Reads the service's leader key from the lab's etcd every `intervalMs`, from the root
 * namespace through every member (a cut member's calls time out and etcd3 moves on),
 * and keeps the leader history (leader-log.ts). A read that fails is skipped, not taken
 * to mean "no leader".
 */
import { Effect, Exit, Scope } from "effect"
import { type EtcdCluster, etcdRange, scopedEtcd } from "../../src/adapters/etcd.ts"
import { decodeLeaderValue } from "../../src/actors/replica/leader-value.ts"
import { replicaKeys } from "../../src/actors/replica/keys.ts"
import { addSample, emptyLeaderLog, type LeaderLog } from "./leader-log.ts"

/** A running poller. */
export interface LeaderPoller {
  readonly log: () => LeaderLog
  /** Reads the key once now (e.g. right before the attacker picks the leader) and answers the leader node. */
  readonly readNow: () => Promise<string | undefined>
  readonly stop: () => Promise<void>
}

/** Starts polling `serviceId`'s leader key; `clock` gives the bench's run time in ms. */
export const startLeaderPoller = async (
  endpoints: ReadonlyArray<string>,
  serviceId: string,
  clock: () => number,
  intervalMs = 100,
): Promise<LeaderPoller> => {
  const scope = Effect.runSync(Scope.make())
  const etcd: EtcdCluster = await Effect.runPromise(Scope.provide(scope)(scopedEtcd({ endpoints, dialTimeoutMs: 3000, callTimeoutMs: 500 })))
  const key = replicaKeys(serviceId).leader
  let log = emptyLeaderLog
  let running = true
  const readNow = async (): Promise<string | undefined> => {
    const exit = await Effect.runPromiseExit(etcdRange(etcd, "leader poll", { key }))
    if (exit._tag !== "Success") return log.last?.node
    const kv = exit.value.kvs[0]
    const value = kv === undefined ? undefined : decodeLeaderValue(kv.value)
    log = addSample(log, { atMs: clock(), node: value?.node, epoch: value === undefined ? undefined : kv?.createRevision })
    return value?.node
  }
  const loop = (async () => {
    while (running) {
      const started = Date.now()
      await readNow()
      await Bun.sleep(Math.max(0, intervalMs - (Date.now() - started)))
    }
  })()
  return {
    log: () => log,
    readNow,
    stop: async () => {
      running = false
      await loop
      await Effect.runPromise(Scope.close(scope, Exit.void))
    },
  }
}
