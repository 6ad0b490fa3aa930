/**
 * The one module that touches etcd3. It makes the client a scoped resource and turns
 * its promise rejections into `EtcdUnavailable`. The replica actor reaches etcd only
 * through here: leases it renews by hand (so it knows when each renewal was sent),
 * transactions described as plain data, range reads, key watches and compaction.
 */
import { circuitBreaker, ConsecutiveBreaker, handleType, handleWhen, type IDefaultPolicyContext, type IPolicy, noop, retry } from "cockatiel"
import { Data, Effect, type Scope } from "effect"
import type { Etcd3, IKeyValue, IRequestOp, ICompare, Lease } from "etcd3"
import { etcdMemberBreaker, etcdStartupProbe, watchReattach } from "../runtime/schedules.ts"
import { etcdCallReach } from "./etcd-errors.ts"
import { describe, EtcdUnavailable } from "./errors.ts"

/**
 * etcd3 is loaded with the first client, not with this module: with gRPC and protobufjs
 * it took about 120 ms of a compiled binary's start (132 against 11 ms for a program that
 * only imports it), and a producer or consumer host that reaches no etcd never needs it.
 */
type Etcd3Library = typeof import("etcd3")
let library: Etcd3Library | undefined
const loadLibrary: Effect.Effect<Etcd3Library> = Effect.suspend(() =>
  library !== undefined ? Effect.succeed(library) : Effect.map(Effect.promise(() => import("etcd3")), (loaded) => (library = loaded)),
)

/** How to reach the etcd cluster. */
export interface EtcdOptions {
  readonly endpoints: readonly string[]
  readonly dialTimeoutMs: number
  /**
   * Deadline of each unary call (streams have none), so a call to a stalled member fails
   * and etcd3 retries it on another endpoint instead of hanging. Defaults to `dialTimeoutMs`.
   */
  readonly callTimeoutMs?: number
}

/** The gateway's handle on one etcd cluster. */
export interface EtcdCluster {
  readonly client: Etcd3
  readonly options: EtcdOptions
}

/**
 * What guards the calls to one member (etcd3's `faultHandling.host`). etcd3's default is
 * a breaker that, after 3 failures in a row, refuses every call to the member for 5 s and
 * then lets one through, re-opening for another 5 s if that one fails. In front of the
 * only endpoint (a replica talks to its own node's member, as in paper B) that buys
 * nothing: there is no other member to go to, and after a partition heals the client kept
 * failing with "the circuit breaker is open" for up to 5 s more (3 s measured after a 7 s
 * cut, test/etcd-reconnect.test.ts), delaying failover and keeping the healed node out.
 * So a single endpoint is never skipped; with several, a failing member is skipped for
 * 1 s at a time, so that once healed it is used again within about a second.
 */
const memberPolicy = (etcd3: Etcd3Library, endpointCount: number) => (): IPolicy<IDefaultPolicyContext> =>
  endpointCount <= 1
    ? noop
    : circuitBreaker(handleWhen(etcd3.isRecoverableError), { halfOpenAfter: etcdMemberBreaker.halfOpenMs, breaker: new ConsecutiveBreaker(etcdMemberBreaker.failures) })

/**
 * What wraps every call across members (etcd3's `faultHandling.global`). etcd3's default
 * silently re-sends any failed call up to 3 more times, so the replica saw a failure only
 * after up to 4 deadlines, and a transaction whose answer was lost (it may have been
 * applied) was re-sent blind. The replica decides that itself: it retries on its own
 * schedule (`etcdReadRetry`, runtime/schedules.ts), settles an unanswered append with a fresh read
 * (`inspectAppend`), and counts its lease from the renewals that were answered. So the
 * only call re-sent here is one that never left (no connection: `etcdCallReach`), and
 * only to another member: with one endpoint, none; with n, at most n - 1 times at once.
 */
const acrossMembersPolicy = (etcd3: Etcd3Library, endpointCount: number): IPolicy<IDefaultPolicyContext> =>
  endpointCount <= 1
    ? noop
    : retry(handleType(etcd3.GRPCUnavailableError, (e) => etcdCallReach(e) === "never-sent"), { maxAttempts: endpointCount - 1 })

/** Runs one etcd call, turning a failure into `EtcdUnavailable` named by the operation, with its `reach`. */
export const etcdCall = <A>(cluster: EtcdCluster, operation: string, run: (client: Etcd3) => Promise<A>) =>
  Effect.tryPromise({
    try: () => run(cluster.client),
    catch: (cause) => new EtcdUnavailable({ operation, endpoints: cluster.options.endpoints.join(","), detail: describe(cause), reach: etcdCallReach(cause) }),
  })

/**
 * A client that has proved it can reach the cluster (one status read), closed when
 * the scope closes. etcd3 connects lazily, so without the read a dead cluster would
 * only show up at the first real request.
 */
export const scopedEtcd = (options: EtcdOptions): Effect.Effect<EtcdCluster, EtcdUnavailable, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      const callTimeoutMs = options.callTimeoutMs ?? options.dialTimeoutMs
      const etcd3 = yield* loadLibrary
      const client = new etcd3.Etcd3({
        hosts: [...options.endpoints],
        dialTimeout: options.dialTimeoutMs,
        defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + callTimeoutMs }),
        faultHandling: { host: memberPolicy(etcd3, options.endpoints.length), global: acrossMembersPolicy(etcd3, options.endpoints.length), watchBackoff: watchReattach() },
      })
      const cluster: EtcdCluster = { client, options }
      // A member that does not answer in time is not tried again by etcd3 (see acrossMembersPolicy): try again, until the deadline below.
      yield* etcdCall(cluster, "maintenance.status", (c) => c.maintenance.status()).pipe(
        Effect.retry(etcdStartupProbe(options.endpoints.length)),
        Effect.timeoutOrElse({
          duration: options.dialTimeoutMs,
          orElse: () => Effect.fail(new EtcdUnavailable({ operation: "maintenance.status", endpoints: options.endpoints.join(","), detail: `no answer within ${options.dialTimeoutMs} ms` })),
        }),
        Effect.tapError(() => Effect.sync(() => client.close())),
      )
      return cluster
    }),
    (cluster) => Effect.sync(() => cluster.client.close()),
  )

/** etcd said the lease is gone (expired or revoked): keys bound to it are deleted, and it cannot be renewed. */
export class EtcdLeaseExpired extends Data.TaggedError("EtcdLeaseExpired")<{
  readonly operation: string
  readonly lease: string
}> {
  override get message() {
    return `etcd ${this.operation}: lease ${this.lease} has expired; grant a new lease (its keys are gone)`
  }
}

/** One stored key, decoded: the value as UTF-8 text, revisions as numbers. */
export interface EtcdKeyValue {
  readonly key: string
  readonly value: string
  readonly createRevision: number
  readonly modRevision: number
  readonly version: number
}

/** A range read: the keys found and the store revision it was read at. */
export interface EtcdRangeResult {
  readonly kvs: readonly EtcdKeyValue[]
  readonly revision: number
}

/** A key range `[key, end)`; without `end`, the single key. */
export interface EtcdRange {
  readonly key: string
  readonly end?: string
  /** At most this many keys, in key order; 0 or absent means all. */
  readonly limit?: number
}

/** A transaction guard. A missing key has create and mod revision 0 and version 0. */
export type EtcdCompare =
  | { readonly key: string; readonly target: "create" | "mod" | "version"; readonly equals: number }
  | { readonly key: string; readonly target: "value"; readonly equals: string }

/** One operation of a transaction branch. */
export type EtcdOp =
  | { readonly _tag: "put"; readonly key: string; readonly value: string; readonly lease?: EtcdLease }
  | ({ readonly _tag: "get" } & EtcdRange)
  | { readonly _tag: "delete"; readonly key: string; readonly end?: string }

/** What a transaction did: which branch ran, at which revision, and the keys each `get` read (empty for other ops). */
export interface EtcdTxnResult {
  readonly succeeded: boolean
  readonly revision: number
  readonly reads: readonly (readonly EtcdKeyValue[])[]
}

/** A granted lease that this process renews by hand (`renewLease`); nothing renews it in the background. */
export interface EtcdLease {
  readonly id: string
  readonly ttlS: number
  readonly lease: Lease
}

/**
 * The first key after every key that starts with `prefix`: the `end` of a prefix range.
 * Our keys are ASCII and end in a printable character, so bumping the last one is enough.
 */
export const prefixEnd = (prefix: string): string =>
  prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)

const toKv = (kv: IKeyValue): EtcdKeyValue => ({
  key: kv.key.toString(),
  value: kv.value.toString(),
  createRevision: Number(kv.create_revision),
  modRevision: Number(kv.mod_revision),
  version: Number(kv.version),
})

const rangeRequest = (r: EtcdRange) => ({
  key: Buffer.from(r.key),
  ...(r.end !== undefined ? { range_end: Buffer.from(r.end) } : {}),
  ...(r.limit ? { limit: r.limit } : {}),
})

const toCompare = (c: EtcdCompare): ICompare => {
  const key = Buffer.from(c.key)
  switch (c.target) {
    case "create":
      return { key, result: "Equal", target: "Create", create_revision: c.equals }
    case "mod":
      return { key, result: "Equal", target: "Mod", mod_revision: c.equals }
    case "version":
      return { key, result: "Equal", target: "Version", version: c.equals }
    case "value":
      return { key, result: "Equal", target: "Value", value: Buffer.from(c.equals) }
  }
}

const toOp = (op: EtcdOp): IRequestOp => {
  switch (op._tag) {
    case "put":
      return { request_put: { key: Buffer.from(op.key), value: Buffer.from(op.value), ...(op.lease ? { lease: op.lease.id } : {}) } }
    case "get":
      return { request_range: rangeRequest(op) }
    case "delete":
      return { request_delete_range: { key: Buffer.from(op.key), ...(op.end !== undefined ? { range_end: Buffer.from(op.end) } : {}) } }
  }
}

/** Like `etcdCall`, but a refused lease becomes `EtcdLeaseExpired` rather than `EtcdUnavailable`. */
const leasedCall = <A>(cluster: EtcdCluster, operation: string, lease: string, run: (client: Etcd3) => Promise<A>) =>
  Effect.tryPromise({
    try: () => run(cluster.client),
    catch: (cause): EtcdUnavailable | EtcdLeaseExpired =>
      // A cluster exists only once the library is loaded.
      library !== undefined && cause instanceof library.EtcdLeaseInvalidError
        ? new EtcdLeaseExpired({ operation, lease })
        : new EtcdUnavailable({ operation, endpoints: cluster.options.endpoints.join(","), detail: describe(cause), reach: etcdCallReach(cause) }),
  })

/**
 * A range read, in key order. Reads are safe to repeat, so one that lost its connection
 * mid-call (`reach: "dropped"`, which the policy above never re-sends) is
 * sent again, up to once per other member (the member's breaker, or "no connection",
 * steers the retry elsewhere); with a single endpoint there is nowhere else to go.
 */
export const etcdRange = (cluster: EtcdCluster, operation: string, range: EtcdRange): Effect.Effect<EtcdRangeResult, EtcdUnavailable> =>
  Effect.map(
    etcdCall(cluster, operation, (c) => c.kv.range(rangeRequest(range))).pipe(
      Effect.retry({ times: Math.max(0, cluster.options.endpoints.length - 1), while: (e) => e.reach === "dropped" }),
    ),
    (res) => ({
      kvs: res.kvs.map(toKv),
      revision: Number(res.header.revision),
    }),
  )

/**
 * One atomic transaction: if every compare holds, `success` runs, otherwise `failure`.
 * A put bound to a lease etcd no longer has fails with `EtcdLeaseExpired`. An
 * `EtcdUnavailable` leaves the outcome unknown: the transaction may have been applied.
 */
export const etcdTxn = (
  cluster: EtcdCluster,
  operation: string,
  compares: readonly EtcdCompare[],
  success: readonly EtcdOp[],
  failure: readonly EtcdOp[] = [],
): Effect.Effect<EtcdTxnResult, EtcdUnavailable | EtcdLeaseExpired> => {
  const lease = [...success, ...failure].find((op) => op._tag === "put" && op.lease !== undefined)
  const leaseId = lease?._tag === "put" ? (lease.lease?.id ?? "") : ""
  return Effect.map(
    leasedCall(cluster, operation, leaseId, (c) =>
      c.kv.txn({ compare: compares.map(toCompare), success: success.map(toOp), failure: failure.map(toOp) })),
    (res) => ({
      succeeded: res.succeeded,
      revision: Number(res.header.revision),
      reads: (res.responses ?? []).map((r) => (r.response_range ? r.response_range.kvs.map(toKv) : [])),
    }),
  )
}

/** Grants a lease of `ttlS` seconds. It is not renewed in the background: call `renewLease`. */
export const grantLease = (cluster: EtcdCluster, ttlS: number): Effect.Effect<EtcdLease, EtcdUnavailable> =>
  Effect.suspend(() => {
    const lease = cluster.client.lease(ttlS, { autoKeepAlive: false })
    // etcd3 reports a failed grant both as a rejection and as a 'lost' event; the rejection is enough.
    lease.on("lost", () => undefined)
    return Effect.map(etcdCall(cluster, "lease grant", () => lease.grant()), (id) => ({ id, ttlS, lease }))
  })

/**
 * Sends one keep-alive and waits at most `timeoutMs` for the answer. On success etcd
 * has extended the lease to at least (the moment this was called) + TTL, which is what
 * a leader's step-down timer counts from.
 */
export const renewLease = (cluster: EtcdCluster, lease: EtcdLease, timeoutMs: number): Effect.Effect<void, EtcdUnavailable | EtcdLeaseExpired> =>
  Effect.asVoid(leasedCall(cluster, "lease keep-alive", lease.id, () => lease.lease.keepaliveOnce({ deadline: Date.now() + timeoutMs })))

/** Revokes the lease, deleting its keys at once (resigning leadership, dropping progress keys). */
export const revokeLease = (cluster: EtcdCluster, lease: EtcdLease, timeoutMs: number): Effect.Effect<void, EtcdUnavailable> =>
  etcdCall(cluster, "lease revoke", () => lease.lease.revoke({ deadline: Date.now() + timeoutMs }))

/** Forgets the lease without telling etcd: its keys live until the TTL runs out (a crash, as seen by others). */
export const releaseLease = (lease: EtcdLease): Effect.Effect<void> => Effect.sync(() => lease.lease.release())

/** What a key watch reports. Callbacks run on etcd3's event loop turn; keep them short. */
export interface EtcdWatchHandlers {
  readonly onPut?: (kv: EtcdKeyValue) => void
  readonly onDelete?: (kv: EtcdKeyValue) => void
  /** The stream dropped and etcd3 re-attached it; events in between may have been skipped. */
  readonly onReconnected?: () => void
  /** The watch is over and will not recover (for example its start revision was compacted): start a new one from a fresh read. */
  readonly onBroken?: () => void
}

/**
 * Watches one key from `fromRevision` until the scope closes. etcd3 re-attaches a
 * dropped stream by itself; a watch it cannot resume (compacted, canceled) reports
 * `onBroken` once and stays dead.
 */
export const watchKey = (
  cluster: EtcdCluster,
  key: string,
  fromRevision: number,
  handlers: EtcdWatchHandlers,
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.asVoid(
    Effect.acquireRelease(
      Effect.sync(() => {
        const watcher = cluster.client.watch().key(key).startRevision(String(fromRevision)).watcher()
        let dropped = false
        let broken = false
        watcher.on("put", (kv) => handlers.onPut?.(toKv(kv)))
        watcher.on("delete", (kv) => handlers.onDelete?.(toKv(kv)))
        watcher.on("disconnected", () => {
          dropped = true
        })
        watcher.on("connected", () => {
          if (dropped) handlers.onReconnected?.()
          dropped = false
        })
        watcher.on("error", () => {
          if (broken) return
          broken = true
          handlers.onBroken?.()
        })
        return { watcher, isBroken: () => broken }
      }),
      // etcd3 has already dropped a watch the server canceled; canceling it again makes
      // the server answer for an id etcd3 no longer knows, which etcd3 throws on (uncaught).
      ({ watcher, isBroken }) =>
        isBroken() ? Effect.void : Effect.promise(() => Promise.race([watcher.cancel().catch(() => undefined), new Promise<void>((r) => setTimeout(r, 1_000))])),
    ),
  )

/** Compacts the store's history up to `revision` (tests and operators: watches older than it break). */
export const compactEtcd = (cluster: EtcdCluster, revision: number): Effect.Effect<void, EtcdUnavailable> =>
  Effect.asVoid(etcdCall(cluster, "compact", (c) => c.kv.compact({ revision, physical: true })))

/** What one member says of itself: its id and the raft leader it follows ("0": none known). */
export interface EtcdMemberStatus {
  readonly memberId: string
  readonly leaderId: string
}

/** One member of the cluster, as the member list gives it. */
export interface EtcdMember {
  readonly id: string
  readonly name: string
  /** False for a member added but never started (it has no client URLs and no name yet). */
  readonly started: boolean
  readonly learner: boolean
  /** Where its clients reach it (empty until it has started). */
  readonly clientUrls: ReadonlyArray<string>
}

/** The status of the member the call reaches (with one endpoint: that member). */
export const etcdMemberStatus = (cluster: EtcdCluster): Effect.Effect<EtcdMemberStatus, EtcdUnavailable> =>
  Effect.map(etcdCall(cluster, "maintenance.status", (c) => c.maintenance.status()), (res) => ({ memberId: String(res.header.member_id), leaderId: String(res.leader) }))

/** Every member of the cluster. */
export const etcdMembers = (cluster: EtcdCluster): Effect.Effect<ReadonlyArray<EtcdMember>, EtcdUnavailable> =>
  Effect.map(etcdCall(cluster, "cluster.memberList", (c) => c.cluster.memberList({ linearizable: true })), (res) =>
    res.members.map((m) => ({ id: String(m.ID), name: m.name, started: m.name !== "" && m.clientURLs.length > 0, learner: m.isLearner === true, clientUrls: [...m.clientURLs] })))

/** The status of the member at `urls`, through a client of its own, closed after (`timeoutMs` bounds the dial and the call). */
export const etcdMemberStatusAt = (urls: ReadonlyArray<string>, timeoutMs: number): Effect.Effect<EtcdMemberStatus, EtcdUnavailable> =>
  Effect.scoped(Effect.flatMap(scopedEtcd({ endpoints: urls, dialTimeoutMs: timeoutMs, callTimeoutMs: timeoutMs }), etcdMemberStatus))

/**
 * Asks the raft leader to hand its leadership to member `targetId`. It must reach the
 * leader itself (etcd refuses it from a follower); etcd answers once the transferee
 * leads, or fails if it cannot catch up in time.
 */
export const moveEtcdLeader = (cluster: EtcdCluster, targetId: string): Effect.Effect<void, EtcdUnavailable> =>
  Effect.asVoid(etcdCall(cluster, "maintenance.moveLeader", (c) => c.maintenance.moveLeader({ targetID: targetId })))

/** Closes the client at once, without revoking anything (a crash, as seen by etcd). Safe to call twice. */
export const abandonEtcd = (cluster: EtcdCluster): void => cluster.client.close()
