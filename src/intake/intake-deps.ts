/**
 * What the HTTP intake needs from the producer actor. Everything with a side effect is
 * injected (publishing, the status view, readiness, the backlog, the clock, ids), so the
 * app is tested in-process with `app.request()` and fakes, and the actor wires the real
 * Kafka producer and status view.
 */
import type { Hono } from "hono"
import type { BitcoinNetwork } from "./validate/bitcoin-network.ts"
import type { ReadinessReport } from "../host/readiness.ts"
import type { StatusRecord } from "../domain/status.ts"
import type { StatusStore } from "../status/store.ts"
import type { MetricsRegistry } from "../observability/metrics.ts"
import type { KeyLimiter } from "./rate-limit.ts"
import type { ReadService } from "../reads/read-service.ts"
import type { Publish } from "./publish/publish-run.ts"
import type { WebhookDeps } from "./webhook-deps.ts"

/** The intake's limits, from `[intake]` (and `[kafka.producer]` for the chunk size). */
export interface IntakeLimits {
  /** Larger bodies get 413, checked on Content-Length and again while reading. */
  readonly maxBodyBytes: number
  /** Most requests in one `POST /v1/batches`. */
  readonly maxBatchItems: number
  /** Seconds sent in `Retry-After` with every 503. */
  readonly retryAfterS: number
  /**
   * How long a submission waits for Kafka's ack (`[intake].accept_timeout_ms`). Then what
   * is still queued is taken back (not accepted) and what Kafka holds is answered as
   * possibly accepted; the producer itself retries until acked.
   */
  readonly acceptTimeoutMs: number
  /** Above this many unconsumed `sendto` messages, the intake answers 503 instead of queueing more. */
  readonly backlogBreaker: number
  /** Requests per `publish` call when a batch is published; 500 when not given. */
  readonly publishChunk?: number
}

/** Everything `makeIntakeApp` is built from. */
export interface IntakeDeps {
  readonly version: string
  readonly metrics: MetricsRegistry
  /** True while Kafka is connected and reachable (the topics exist, the probe answers); while false, submissions get 503 not_ready and nothing is sent. */
  readonly ready: () => boolean
  /** The host's readiness checks, which `/readyz` reports (every role of the host, not only the intake's). */
  readonly readiness: () => ReadinessReport
  /**
   * Publishes to Kafka and resolves only after acks=all. Rejects with `Withdrawn` when the
   * signal took the requests back before anything was sent; any other rejection may
   * follow a send.
   */
  readonly publish: Publish
  /**
   * Writes a `cancel` record to the results topic (acks=all) and into this host's view;
   * rejects when Kafka did not acknowledge it.
   */
  readonly requestCancel: (record: StatusRecord) => Promise<void>
  /** The status view (fed from sendto.results): answers the status routes and idempotent repeats. */
  readonly status: StatusStore
  /** Accepted API keys. Empty = not configured: every `/v1` call gets 401 naming `apiKeysEnv`. */
  readonly apiKeys: ReadonlySet<string>
  /** The environment variable the keys come from (`[intake].api_keys_env`), named in that 401. */
  readonly apiKeysEnv: string
  readonly limits: IntakeLimits
  /** Messages in `sendto` not yet consumed; above `limits.backlogBreaker` the intake answers 503 + Retry-After. */
  readonly backlog: () => number
  /** Bitcoin addresses must belong to this network. */
  readonly bitcoinNetwork: BitcoinNetwork
  /** The wallet account `sendtoaddress` spends from (`[chains.bitcoin].account`): its sender and Kafka key. */
  readonly bitcoinDefaultAccount: string
  /** Raw transactions must be signed for this chain (`[chains.ethereum].chain_id`). */
  readonly ethereumChainId: number
  /** Per-API-key buckets (`[intake].rate_limit_rps`, this host's share); absent: no limit. */
  readonly rateLimit?: KeyLimiter
  /** The read front over this host's nodes; absent on a host without the consumer role (reads then answer 503 saying where to send them). */
  readonly reads?: ReadService
  /** The webhook book and its writer; absent, the webhook routes answer 503 (a host built without them). */
  readonly webhooks?: WebhookDeps
  /** Epoch ms, for `accepted_at`; `Date.now` when not given. */
  readonly now?: () => number
  /** Ids for requests without an Idempotency-Key; time-ordered UUIDv7s (`randomId`) when not given. */
  readonly newId?: () => string
  /** Routes other parts of the host add (the operations page at `/ops`), added before the not-found answer. */
  readonly mounts?: ReadonlyArray<(app: Hono) => void>
}
