/**
 * Table 1's gateway processes on one machine: one `--role consumer` process
 * per consumer host of the layout and one `--role producer` process per
 * producer host (each with its own intake port), all on the same run (same
 * topics, same consumer group). Started consumers first, so the group has
 * formed before the first request arrives; stopped producers first, as a
 * host drains its intake before its consumers. An interrupted bench kills
 * them all by pid.
 */
import type { BenchIo } from "../lib/bench-definition.ts"
import { type GatewayRun, type GatewayUnderTest, startGateway } from "../lib/gateway-under-test.ts"
import { guardInterrupt } from "../lib/interrupt-guard.ts"
import { hostsWithRole, runAsProducer } from "./layout.ts"

/** The running processes. */
export interface GatewayCluster {
  readonly consumers: ReadonlyArray<GatewayUnderTest>
  readonly producers: ReadonlyArray<GatewayUnderTest>
  /** The producer hosts' names, in the order of `producers`. */
  readonly producerHosts: ReadonlyArray<string>
  /** Slowest spawn-to-ready of all processes, ms. */
  readonly readyMs: number
  /** Producers then consumers, each with SIGTERM and a drain that must exit 0; the first failure is thrown after all stopped. */
  readonly stop: () => Promise<void>
  /** SIGKILL everything (after a failure). */
  readonly kill: () => void
}

/** Starts the cluster and waits for every process to be ready; on failure everything started is killed. */
export const startCluster = async (run: GatewayRun, io: BenchIo, readyTimeoutMs: number): Promise<GatewayCluster> => {
  const consumerHosts = hostsWithRole(run.config, "consumer")
  const producerHosts = hostsWithRole(run.config, "producer")
  const consumers: Array<GatewayUnderTest> = []
  const producers: Array<GatewayUnderTest> = []
  const kill = () => {
    for (const g of [...producers, ...consumers]) g.kill()
  }
  const release = guardInterrupt(kill)
  try {
    for (const host of consumerHosts) consumers.push(startGateway({ run: { ...run, host }, roles: ["consumer"], baseEnv: io.env }))
    const consumersReady = await Promise.all(consumers.map((g) => g.waitReady(readyTimeoutMs)))
    for (const [i, host] of producerHosts.entries()) {
      producers.push(startGateway({ run: await runAsProducer(run, host, i + 1), roles: ["producer"], baseEnv: io.env }))
    }
    const producersReady = await Promise.all(producers.map((g) => g.waitReady(readyTimeoutMs)))
    io.err(`paper: ${consumers.length} consumers (${consumerHosts.join(", ")}) and ${producers.length} producers (${producers.map((p, i) => `${producerHosts[i]} ${p.intakeUrl}`).join(", ")}) ready`)
    const readyMs = Math.max(...[...consumersReady, ...producersReady].map((r) => r.spawnToReadyMs))
    return {
      consumers,
      producers,
      producerHosts,
      readyMs,
      kill: () => {
        kill()
        release()
      },
      stop: async () => {
        const failures: Array<unknown> = []
        for (const group of [producers, consumers]) {
          const settled = await Promise.allSettled(group.map((g) => g.stop()))
          for (const s of settled) if (s.status === "rejected") failures.push(s.reason)
        }
        release()
        if (failures.length > 0) throw failures[0]
      },
    }
  } catch (error) {
    kill()
    release()
    throw error
  }
}
