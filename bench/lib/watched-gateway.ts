/**
 * One pass of a bench through a real gateway with the producer and consumer
 * roles, its run's results topic watched from the side: the drain, reads
 * and scale benches all start the gateway, guard it against an interrupt,
 * wait until it is ready and the watcher runs, measure, and then stop both,
 * draining the gateway when the pass went well and killing it otherwise.
 */
import type { Role } from "../../src/config/role.ts"
import type { BenchIo } from "./bench-definition.ts"
import { endPass, type GatewayRun, type GatewayUnderTest, startGateway } from "./gateway-under-test.ts"
import { guardInterrupt } from "./interrupt-guard.ts"
import { waitWithProgress } from "./progress.ts"
import { type ResultsWatcher, watchResults } from "./results-watcher.ts"
import type { TrackerSummary } from "./status-tracker.ts"

/** How the pass's gateway is started. */
export interface WatchedGatewayOptions {
  readonly run: GatewayRun
  /** Added to the gateway's environment (its signing keys). */
  readonly env: Readonly<Record<string, string>>
  readonly readyTimeoutMs: number
  /** Starts every line the pass writes to stderr, e.g. `drain-eth`. */
  readonly label: string
  /** Which nodes the gateway sends to, for the opening line, e.g. `node eth-1 only`. */
  readonly nodes: string
}

/** What the pass's measurement gets. */
export interface WatchedGateway {
  readonly gateway: GatewayUnderTest
  readonly watcher: ResultsWatcher
  /** From spawn to `gateway.ready`. */
  readonly readyMs: number
  /** Keeps the run's folder (config and gateway log) when the pass ends, saying why: something in it needs reading. */
  readonly keepLogs: (why: string) => void
}

const ROLES: ReadonlyArray<Role> = ["producer", "consumer"]

/**
 * Starts the gateway and the watcher, runs `measure` once both are up, and always stops
 * them and finishes the run (deleting its topics), also when `measure` throws.
 */
export const withWatchedGateway = async <A>(options: WatchedGatewayOptions, io: BenchIo, measure: (pass: WatchedGateway) => Promise<A>): Promise<A> => {
  const { run } = options
  const say = (line: string) => io.err(`${options.label}: ${line}`)
  say(`gateway --role ${ROLES.join(",")} on ${run.intakeUrl}, ${options.nodes}, topics ${run.names.prefix}.*`)
  let gateway: GatewayUnderTest
  try {
    gateway = startGateway({ run, roles: ROLES, env: options.env, baseEnv: io.env })
  } catch (error) {
    await run.finish({ keepDir: false })
    throw error
  }
  const release = guardInterrupt(() => gateway.kill())
  const watcher = watchResults(run.config.kafka.brokers, run.names.results, `${run.names.prefix}-watch`)
  let ok = false
  let keepBecause: string | undefined
  try {
    const ready = await gateway.waitReady(options.readyTimeoutMs)
    await watcher.started
    const result = await measure({ gateway, watcher, readyMs: ready.spawnToReadyMs, keepLogs: (why) => (keepBecause = why) })
    ok = true
    return result
  } finally {
    await watcher.stop().catch(() => undefined)
    await endPass(gateway, run, ok, release, say, keepBecause)
  }
}

/** The watcher's view once every accepted request reached the node, and once every one was final (or each wait gave up). */
export interface ReachedAndFinal {
  readonly reached: TrackerSummary
  readonly final: TrackerSummary
}

/**
 * Waits, with a progress bar each, until `accepted` requests have reached the node (or
 * failed, or gone to the DLQ) within `reachTimeoutMs`, then until they are final within
 * `finalTimeoutMs`.
 */
export const waitReachedThenFinal = async (
  watcher: ResultsWatcher,
  accepted: number,
  timeouts: { readonly reachTimeoutMs: number; readonly finalTimeoutMs: number },
  label: string,
  io: BenchIo,
  /** Runs once every request reached the node (or the wait gave up), before the wait for final. */
  onReached?: () => void,
): Promise<ReachedAndFinal> => {
  const s = () => watcher.tracker.summary()
  await waitWithProgress(`${label} reached node`, accepted, () => {
    const now = s()
    return now.reachedNode + now.failed + now.dlq
  }, timeouts.reachTimeoutMs, io.progress)
  const reached = s()
  onReached?.()
  await waitWithProgress(`${label} final`, accepted, () => s().final, timeouts.finalTimeoutMs, io.progress)
  return { reached, final: s() }
}
