/**
 * The one module that touches etcd3. It makes the client a scoped resource and turns
 * its promise rejections into `EtcdUnavailable`. The replica actor reaches etcd only
 * through here.
 */
import { Effect, type Scope } from "effect"
import { Etcd3 } from "etcd3"
import { describe, EtcdUnavailable } from "./errors.ts"

/** How to reach the etcd cluster. */
export interface EtcdOptions {
  readonly endpoints: readonly string[]
  readonly dialTimeoutMs: number
}

/** The gateway's handle on one etcd cluster. */
export interface EtcdCluster {
  readonly client: Etcd3
  readonly options: EtcdOptions
}

/** Runs one etcd call, turning a failure into `EtcdUnavailable` named by the operation. */
export const etcdCall = <A>(cluster: EtcdCluster, operation: string, run: (client: Etcd3) => Promise<A>) =>
  Effect.tryPromise({
    try: () => run(cluster.client),
    catch: (cause) => new EtcdUnavailable({ operation, endpoints: cluster.options.endpoints.join(","), detail: describe(cause) }),
  })

/**
 * A client that has proved it can reach the cluster (one status read), closed when
 * the scope closes. etcd3 connects lazily, so without the read a dead cluster would
 * only show up at the first real request.
 */
export const scopedEtcd = (options: EtcdOptions): Effect.Effect<EtcdCluster, EtcdUnavailable, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      const client = new Etcd3({
        hosts: [...options.endpoints],
        dialTimeout: options.dialTimeoutMs,
      })
      const cluster: EtcdCluster = { client, options }
      yield* etcdCall(cluster, "maintenance.status", (c) => c.maintenance.status()).pipe(
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
