/**
 * Every retry, backoff and poll policy of the gateway, named, with its numbers, in one
 * module, so they can be read and compared in one place and passed in where they are
 * used. A policy whose number comes from the config is a function of the configured
 * value. The mechanics (capping a schedule, exponential growth, jitter) are in
 * `backoff.ts`. Nothing here switches on the environment: a test that wants instant
 * restarts passes `immediateRestart`.
 *
 * `schedules.test.ts` checks each policy's first delay, cap and jitter, and fails when a
 * schedule or an exponential backoff is written anywhere else in `src/`.
 */
import { Duration, Schedule } from "effect"
import { capDelay, type ExponentialBackoff, exponentialDelayMs, jitterMs, type RestartBackoff } from "./backoff.ts"

// ------------------------------------------------------------------ supervision

/** First restart delay of `restartBackoff`. */
export const restartBackoffBase: Duration.Duration = Duration.millis(100)

/** Growth factor of `restartBackoff` between consecutive restarts. */
export const restartBackoffFactor = 2

/** Upper bound of any `restartBackoff` delay, after jitter. */
export const restartBackoffCap: Duration.Duration = Duration.seconds(10)

/**
 * Between restarts of a crashed child (every supervisor's default): 100 ms, doubling,
 * jittered ±20% so that siblings which crashed together do not reconnect in lockstep, at
 * most 10 s.
 */
export const restartBackoff: RestartBackoff = Schedule.exponential(restartBackoffBase, restartBackoffFactor).pipe(
  Schedule.jittered,
  capDelay(restartBackoffCap),
)

/** `restartBackoff` from `[runtime].backoff_base_ms` and `backoff_max_ms`: the same shape, the configured first delay and cap. */
export const restartBackoffWithin = (baseMs: number, maxMs: number): RestartBackoff =>
  Schedule.exponential(Duration.millis(baseMs), restartBackoffFactor).pipe(Schedule.jittered, capDelay(Duration.millis(maxMs)))

/**
 * Restart at once, with no delay. Meant for tests and for children whose restart is
 * cheap and cannot hammer a remote system.
 */
export const immediateRestart: RestartBackoff = Schedule.forever

// ------------------------------------------------------------------ executors

/**
 * Between attempts to make records durable while Kafka refuses the transaction: 100 ms,
 * doubling, jittered, at most 5 s, forever. Records are retried with the same bytes, so
 * repeating is safe; the executor stops only when fenced or told to.
 */
export const commitRetry = Schedule.exponential("100 millis", 2).pipe(Schedule.jittered, capDelay("5 seconds"))

/** The same policy as `commitRetry`, as a plain delay for the recorder's own loop: 100 ms doubling to 5 s, jittered. */
export const commitRetryDelayMs = (attempt: number): number => Math.round(jitterMs(exponentialDelayMs({ baseMs: 100, factor: 2, maxMs: 5_000 }, attempt)))

/**
 * Between attempts at one request whose node call failed in passing (unreachable,
 * overloaded): 200 ms, doubling, jittered, at most 10 s.
 */
export const requestRetryDelay = (attempt: number): Duration.Duration =>
  Duration.millis(jitterMs(exponentialDelayMs({ baseMs: 200, factor: 2, maxMs: 10_000 }, attempt)))

/**
 * How many times one request may fail in passing while its chain has a healthy node,
 * before it is judged poison and sent to the DLQ. (While no node is healthy the
 * partition pauses instead, and nothing is counted.)
 */
export const maxRequestAttempts = 8

/** Between rounds of the confirmation tracker of one partition: every 500 ms. */
export const trackerRound = Schedule.spaced("500 millis")

/**
 * A run of one key still going after this long is logged once (a run takes milliseconds
 * to seconds; one that hangs holds every later request of its sender): 30 s.
 */
export const slowRunAfter = Duration.seconds(30)

/** While a partition waits for its chain to have a healthy node again: every 250 ms. */
export const nodeHealthPoll = Schedule.spaced("250 millis")

/** How long a fetched fee market is reused before asking the node again: 1 s. */
export const feeMarketTtl = Duration.seconds(1)

/** Between rounds of the Ethereum chain follower (new heads, receipts of watched slots): every 250 ms. */
export const chainFollowRound = Schedule.spaced("250 millis")

/** Between reads of the Bitcoin wallet node's best block by the host's chain watch: every 250 ms (one call while it stands still). */
export const bitcoinWatchRound = Schedule.spaced("250 millis")

// ------------------------------------------------------------------ nodes and reads

/** Between probes of a node by its throttler (health, latency): every 2 s. */
export const nodeProbe = Schedule.spaced("2 seconds")

/** Between reads of each chain's head for the read cache: every `[reads].head_poll_ms` (default 250 ms). */
export const headPoll = (headPollMs: number) => Schedule.spaced(headPollMs)

// ------------------------------------------------------------------ Kafka

/**
 * How each kind of kafkajs client retries inside one call, in kafkajs's shape (its own
 * backoff starts at `initialRetryTime` and grows to `maxRetryTime`). kafkajs merges the
 * client-wide setting into every producer, consumer and admin it makes, and an idempotent
 * producer that inherits a bounded count voids its idempotence (kafkajs warns so). So the
 * client-wide setting only covers the cluster's own metadata and connection retries, and
 * each client gets its own.
 */
export const kafkaRetries = {
  /** Metadata refreshes and connection attempts inside one call: 3 retries, 200 ms to 2 s. */
  cluster: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
  /** Admin calls: their callers (backlog poll, readiness probe, topic creation) repeat them on their own schedules. */
  admin: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
  /** Consumer-group members: kafkajs's consumer default count (5); a crash after that restarts the actor. */
  consumer: { retries: 5, initialRetryTime: 200, maxRetryTime: 2000 },
} as const

/**
 * kafkajs's retry for transactional producers: 8 retries from 10 ms doubling to 1 s
 * (about 2.3 s in all), then the error surfaces, well within a transaction timeout even
 * when two steps of one transaction both use it up. The first retries come quickly
 * because the commonest retriable answer is CONCURRENT_TRANSACTIONS to the next
 * transaction's AddPartitionsToTxn: EndTxn returns once the commit is decided, and the
 * coordinator refuses a new transaction until its markers are written, which took
 * 40-60 ms here. Starting at 100 ms (kafkajs's default) made every back-to-back
 * transaction take about 300 ms; at 10 ms, about 66 ms.
 */
export const transactionalRetry = { retries: 8, initialRetryTime: 10, maxRetryTime: 1000, factor: 0.2, multiplier: 2 } as const

/**
 * Creating the missing topics again: 5 more times, 1 s apart. Right after creation a
 * broker may not host a partition yet; the topics exist, and the next attempt sees them.
 */
export const topicCreationRetry = { times: 5, schedule: Schedule.spaced("1 second") }

/** Between attempts of one send to `sendto` that failed in passing: 100 ms, doubling, at most 1 s, until acked. */
export const sendtoResendDelayMs = (attempt: number): number => exponentialDelayMs({ baseMs: 100, factor: 2, maxMs: 1_000 }, attempt)

/** Between reads of the `sendto` backlog the intake's breaker watches: every 1 s. */
export const backlogPoll = Schedule.spaced("1 second")

/** Between reads of the DLQ topic's size (only the operations page shows it): every 5 s. */
export const dlqSizePoll = Schedule.spaced("5 seconds")

/** How often the producer's metadata probe of Kafka runs (its readiness check): every 1 s. */
export const kafkaProbeMs = 1_000

/** The producer's metadata probe, every `kafkaProbeMs`. */
export const kafkaProbe = Schedule.spaced(kafkaProbeMs)

// ------------------------------------------------------------------ etcd

/** A backoff in etcd3's (cockatiel's) shape: the delay now, and the one after. */
export interface EtcdWatchBackoff {
  readonly duration: number
  readonly next: (context: unknown) => EtcdWatchBackoff
}

/**
 * Before re-attaching a dropped etcd watch stream: 100 ms, doubling, at most 2 s.
 * etcd3's default grows to 30 s, which would leave a follower blind long after a
 * partition heals, when the failover target is 2 s.
 */
export const watchReattach = (durationMs = 100): EtcdWatchBackoff => ({
  duration: durationMs,
  next: () => watchReattach(Math.min(2_000, durationMs * 2)),
})

/**
 * With several etcd endpoints, a member that failed 3 calls in a row is skipped, and
 * after 1 s one call tries it again (etcd3's default skips it for 5 s).
 */
export const etcdMemberBreaker = { failures: 3, halfOpenMs: 1_000 } as const

/** The first status read of a new etcd client: again every 100 ms, about twice per member, within the dial timeout. */
export const etcdStartupProbe = (endpointCount: number) => ({ schedule: Schedule.spaced("100 millis"), times: 2 * endpointCount })

// ------------------------------------------------------------------ replica

/** Between attempts at an etcd read the replica cannot do without: 50 ms, doubling, jittered, at most 1 s, forever. */
export const etcdReadRetry = Schedule.exponential("50 millis", 2).pipe(Schedule.jittered, capDelay("1 second"))

/** Before the next replica session after `failures` sessions in a row that could not start: 100 ms doubling to 2 s. */
export const sessionRetryDelayMs = (failures: number): number => exponentialDelayMs({ baseMs: 100, factor: 2, maxMs: 2_000 }, failures)

/**
 * A serving leader that keeps etcd's raft leader off its host (`[replica].etcd_leader_elsewhere`)
 * asks its own member every second whether it leads etcd, and moves etcd's leadership at
 * most once per 5 s (a member that keeps winning etcd's elections is not asked to hand
 * over in a loop; a failed move is tried again after the same gap). Each candidate
 * transferee must answer a status call within 300 ms.
 */
export const etcdLeaderApart = { checkEveryMs: 1_000, minGapMs: 5_000, probeTimeoutMs: 300 } as const

/** Before campaigning again after a campaign that etcd did not answer: 200 ms. */
export const campaignRetryDelay = Duration.millis(200)

/** Before reading the log again when its first entries are trimmed and no snapshot covers the gap yet: 1 s. */
export const snapshotGapRetryDelay = Duration.seconds(1)

/**
 * Between re-reads of `LogSize` even without a watch event: every 5 s. A watch on a
 * stalled member neither delivers nor fails; the read has a deadline and moves to
 * another endpoint.
 */
export const logSizeReread = Duration.seconds(5)

// ------------------------------------------------------------------ registry

/** Between failed writes of the registry location for one epoch: 500 ms, doubling, at most 10 s (`failures` counts from 1). */
export const locationWriteRetryDelayMs = (failures: number): number => exponentialDelayMs({ baseMs: 500, factor: 2, maxMs: 10_000 }, failures - 1)

/**
 * A contract transaction whose nonce another process took first (several hosts, or the
 * dashboard, send from one registry key): signed again at the fresh pending nonce this many
 * times at most, 100 ms, doubling, jittered, between tries (`attempt` counts from 1).
 */
export const nonceTakenResends = 4
export const nonceTakenResendDelayMs = (attempt: number): number => Math.round(jitterMs(exponentialDelayMs({ baseMs: 100, factor: 2, maxMs: 1_000 }, attempt - 1)))

// ------------------------------------------------------------------ operations page

/** Between rewrites of this process's throttle report in etcd, and between reads of everyone's: every 2 s. */
export const throttleReportRound = Schedule.spaced("2 seconds")

/** Before the throttle reporter or reader tries etcd again after a failure: 5 s. */
export const throttleReportRetryDelay = Duration.seconds(5)

/** Between samples of the status view's counts into the operations page's ring: every `everyMs`. */
export const statusSampling = (everyMs: number) => Schedule.spaced(everyMs)

// ------------------------------------------------------------------ webhooks

/**
 * Between attempts of one webhook delivery: 1 s, doubling, jittered, at most 5 min. The
 * notifier keeps retrying until `[webhooks].retry_for_s` has passed since the first
 * attempt (see actors/notifier/retry-decision.ts), then parks the delivery.
 */
export const webhookRetryDelayMs = (attempt: number, random: () => number = Math.random): number =>
  Math.round(jitterMs(exponentialDelayMs({ baseMs: 1_000, factor: 2, maxMs: 300_000 }, Math.max(attempt - 1, 0)), random))

/** While the notifier holds `[webhooks].max_pending` unfinished deliveries: look again every 200 ms, heartbeating between. */
export const notifierRoomPollMs = 200

// ------------------------------------------------------------------ client SDKs

/** The failover client's wait between attempts that found no serving leader: 100 ms, 200 ms, 400 ms, ... at most 1 s. */
export const failoverClientBackoff: ExponentialBackoff = { baseMs: 100, factor: 2, maxMs: 1_000 }

/**
 * The intake client's wait before retry number `retry` (1 = first) of a 503, 429, 5xx or
 * no answer: capped exponential from 200 ms to 5 s with equal jitter (between half and
 * all of it), never below the answer's `Retry-After`.
 */
export const intakeClientRetryDelayMs = (retry: number, retryAfter: number | undefined, random: () => number = Math.random, baseMs = 200, maxMs = 5_000): number => {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1))
  const jittered = Math.round(ceiling / 2 + (random() * ceiling) / 2)
  return Math.max(retryAfter ?? 0, jittered)
}
