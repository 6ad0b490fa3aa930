/**
 * The named retry and backoff policies of the gateway's executors, with their
 * defaults, in one module so they can be read and compared in one place and passed in
 * where they are used. (The supervisor's restart backoff is `restartBackoff` in
 * `backoff.ts`.) Nothing here switches on the environment.
 */
import { Duration, Schedule } from "effect"
import { capDelay } from "./backoff.ts"

/**
 * Between attempts to make records durable while Kafka refuses the transaction: 100 ms,
 * doubling, jittered, at most 5 s, forever. Records are retried with the same bytes, so
 * repeating is safe; the executor stops only when fenced or told to.
 */
export const commitRetry = Schedule.exponential("100 millis", 2).pipe(Schedule.jittered, capDelay("5 seconds"))

/** The same policy as `commitRetry`, as a plain delay for the recorder's own loop: 100 ms doubling to 5 s, jittered. */
export const commitRetryDelayMs = (attempt: number): number => Math.round(Math.min(5_000, 100 * 2 ** Math.min(attempt, 6)) * (0.8 + Math.random() * 0.4))

/**
 * Between attempts at one request whose node call failed in passing (unreachable,
 * overloaded): 200 ms, doubling, jittered, at most 10 s.
 */
export const requestRetryDelay = (attempt: number): Duration.Duration =>
  Duration.millis(Math.min(10_000, 200 * 2 ** Math.min(attempt, 6)) * (0.8 + Math.random() * 0.4))

/**
 * How many times one request may fail in passing while its chain has a healthy node,
 * before it is judged poison and sent to the DLQ. (While no node is healthy the
 * partition pauses instead, and nothing is counted.)
 */
export const maxRequestAttempts = 8

/** Between rounds of the confirmation tracker of one partition. */
export const trackerRound = Schedule.spaced("500 millis")

/** While a partition waits for its chain to have a healthy node again. */
export const nodeHealthPoll = Schedule.spaced("250 millis")

/** How long a fetched fee market is reused before asking the node again. */
export const feeMarketTtl = Duration.seconds(1)

/**
 * Between attempts of one webhook delivery: 1 s, doubling, jittered, at most 5 min. The
 * notifier keeps retrying until `[webhooks].retry_for_s` has passed since the first
 * attempt (see actors/notifier/retry-decision.ts), then parks the delivery.
 */
export const webhookRetryDelayMs = (attempt: number, random: () => number = Math.random): number =>
  Math.round(Math.min(300_000, 1_000 * 2 ** Math.min(Math.max(attempt - 1, 0), 9)) * (0.8 + random() * 0.4))
