/**
 * What the sample service's HTTP app needs: the host's replica handle (the one the
 * registry-watcher and the dashboard share), the metrics registry, and its limits.
 * Tests pass a fake handle; the replica role passes the real one.
 */
import type { ForwardOutcome } from "../../../adapters/http-forward.ts"
import type { ReadinessReport } from "../../../host/readiness.ts"
import type { MetricsRegistry } from "../../../observability/metrics.ts"
import type { NumberList } from "../number-list.ts"
import type { ReplicaHandle } from "../replica-node.ts"

/** The parts of the replica handle the app calls. */
export type ServiceReplica = Pick<ReplicaHandle<NumberList>, "node" | "submit" | "state" | "status" | "lookup" | "replicas">

/** Limits of the service's HTTP front. */
export interface ServiceLimits {
  /** Submissions waiting for their entry to be applied; one more is refused with 503 (overloaded). */
  readonly maxInFlight: number
  /** How long a submission waits to be applied before the client is told to retry (503, outcome unknown). */
  readonly submitTimeoutMs: number
  /** Retry-After, in seconds, sent with every 503. */
  readonly retryAfterS: number
  /** Largest body accepted, in bytes (413 above). */
  readonly maxBodyBytes: number
}

/** Defaults sized for paper B's Table 2 load (2 requests/s) with ample headroom. */
export const defaultServiceLimits: ServiceLimits = { maxInFlight: 1024, submitTimeoutMs: 10_000, retryAfterS: 1, maxBodyBytes: 4096 }

/** Everything the app is built from. */
export interface ServiceDeps {
  readonly version: string
  readonly replica: ServiceReplica
  readonly metrics: MetricsRegistry
  readonly limits: ServiceLimits
  /** The host's readiness checks, which `/readyz` reports (every role of the host: the replica's etcd contact, and the producer's and consumer's checks on a host that runs them). */
  readonly readiness: () => ReadinessReport
  /** Relays a submission to the leader (adapters/http-forward.ts); without it a follower only answers 421. */
  readonly forward?: (args: { readonly url: string; readonly headers: Readonly<Record<string, string>>; readonly body: string; readonly timeoutMs: number }) => Promise<ForwardOutcome>
}
