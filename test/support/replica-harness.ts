/**
 * Runs replicas in-process for the replica scenarios: each one as its own root (its
 * child spec's init, then its loop), stoppable gracefully (interrupt: the session revokes
 * its lease) or by a crash drill (`handle.crash()`: keep-alives stop, nothing resigns).
 * Also: a client that finds the leader and retries refused submits with the same id, the
 * service's key cleanup, and polling helpers.
 */
import { Effect, Exit, Fiber } from "effect"
import { etcdRange, etcdTxn, prefixEnd, scopedEtcd, type EtcdCluster, type EtcdOptions } from "../../src/adapters/etcd.ts"
import { isRetriableSubmitError, makeReplica, type ReplicaHandle, type ReplicaSettings, type StateMachine, type SubmitError } from "../../src/actors/replica/index.ts"
import type { ReadinessCheck } from "../../src/host/readiness.ts"
import { makeLogger, type Logger } from "../../src/observability/log.ts"

/** Log lines of every replica a test started, parsed; printed when REPLICA_TEST_LOG=1. */
export const replicaLogLines: Record<string, unknown>[] = []

/** A logger that keeps lines in `replicaLogLines` (and echoes them to stderr when REPLICA_TEST_LOG=1). */
export const testLogger = (host: string): Logger =>
  makeLogger(host, {
    minLevel: "info",
    write: (line) => {
      replicaLogLines.push(JSON.parse(line) as Record<string, unknown>)
      if (process.env.REPLICA_TEST_LOG === "1") process.stderr.write(`${line}\n`)
    },
  })

/** Settings for a test replica; timings default to config/local.toml's. */
export const testSettings = (node: string, serviceId: string, endpoints: readonly string[], over: Partial<ReplicaSettings> = {}): ReplicaSettings => ({
  node,
  serviceId,
  location: `in-process:${node}`,
  etcd: { endpoints, dialTimeoutMs: 3000 },
  leaseTtlS: 5,
  stepDownAfterMs: 3500,
  snapshotEvery: 1000,
  ...over,
})

/** A replica running as its own root. */
export interface RunningReplica<S> {
  readonly handle: ReplicaHandle<S>
  /** Its "replica.etcd" readiness check. */
  readonly etcdContact: ReadinessCheck
  /** Interrupts it: the session ends and revokes its lease (a clean stop). */
  readonly stop: () => Promise<void>
  /** Resolves when its loop ends (stopped or crashed). */
  readonly done: Promise<Exit.Exit<unknown, unknown>>
}

/** Starts one replica and waits until it has connected. */
export const startReplica = async <S>(settings: ReplicaSettings, machine: StateMachine<S>): Promise<RunningReplica<S>> => {
  const r = makeReplica(settings, machine, testLogger(settings.node))
  const fiber = Effect.runFork(Effect.scoped(Effect.flatMap(r.spec.init, (loop) => loop)))
  const done = Effect.runPromise(Fiber.await(fiber))
  let ended: Exit.Exit<unknown, unknown> | undefined
  void done.then((exit) => {
    ended = exit
  })
  await waitFor(`${settings.node} connected`, () => {
    if (ended) throw new Error(`replica ${settings.node} ended before it connected: ${String(Exit.isFailure(ended) ? ended.cause : "done")}`)
    return r.handle.status().role !== "stopped"
  }, 20_000)
  return { handle: r.handle, etcdContact: r.etcdContact, stop: async () => void (await Effect.runPromise(Fiber.interrupt(fiber))), done }
}

/** Polls `check` every 20 ms until it holds; throws after `timeoutMs` naming `what`. */
export const waitFor = async (what: string, check: () => boolean, timeoutMs: number): Promise<void> => {
  const until = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await Bun.sleep(20)
  }
}

/** The replica that says it is the serving leader, if exactly one does. */
export const servingLeader = <S>(replicas: readonly RunningReplica<S>[]): RunningReplica<S> | undefined => {
  const leaders = replicas.filter((r) => r.handle.status().role === "leader")
  return leaders.length === 1 ? leaders[0] : undefined
}

/**
 * A client: sends to whichever replica says it leads, and retries a retriable refusal
 * (with the same id) until `timeoutMs`. Returns the index and who answered.
 */
export const submitRetrying = async <S>(
  replicas: readonly RunningReplica<S>[],
  id: string,
  payload: unknown,
  timeoutMs = 30_000,
): Promise<{ readonly index: number; readonly node: string }> => {
  const until = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < until) {
    const target = servingLeader(replicas) ?? replicas[Math.floor(Math.random() * replicas.length)]
    if (target) {
      try {
        const r = await target.handle.submit(id, payload)
        return { index: r.index, node: target.handle.node }
      } catch (e) {
        last = e
        if (!isRetriableSubmitError(e as SubmitError)) throw e
      }
    }
    await Bun.sleep(20)
  }
  throw new Error(`submit ${id} not accepted within ${timeoutMs} ms; last refusal: ${String(last)}`)
}

/** Runs `f` with a short-lived etcd client. */
export const withEtcd = <A>(options: EtcdOptions, f: (etcd: EtcdCluster) => Effect.Effect<A, unknown>): Promise<A> =>
  Effect.runPromise(Effect.scoped(Effect.flatMap(scopedEtcd(options), f)))

/** Deletes every key of `serviceId` (its prefix and its snapshot). */
export const deleteService = (endpoints: readonly string[], serviceId: string): Promise<unknown> =>
  withEtcd({ endpoints, dialTimeoutMs: 3000 }, (etcd) =>
    etcdTxn(etcd, "test cleanup", [], [
      { _tag: "delete", key: `${serviceId}/`, end: prefixEnd(`${serviceId}/`) },
      { _tag: "delete", key: `Snapshot/${serviceId}` },
    ]))

/** The `Log/<i>` indexes of `serviceId` that exist now. */
export const storedIndexes = (endpoints: readonly string[], serviceId: string): Promise<number[]> =>
  withEtcd({ endpoints, dialTimeoutMs: 3000 }, (etcd) =>
    Effect.map(etcdRange(etcd, "list log", { key: `${serviceId}/Log/`, end: prefixEnd(`${serviceId}/Log/`) }), (r) =>
      r.kvs.map((kv) => Number(kv.key.slice(`${serviceId}/Log/`.length)))))

/** A unique service id per test run, so concurrent runs never share keys. */
export const uniqueServiceId = (name: string): string => `replica-test-${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`

export { Exit }
