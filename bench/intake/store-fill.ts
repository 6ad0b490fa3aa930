/**
 * Fills the gateway-under-test's status store file with `count` finished requests before
 * it starts, so the bench measures the intake's memory with a store that holds a
 * production-sized history (the target: 1,000,000 requests) rather than an
 * empty one. The records are the shape the executors write (confirmed Bitcoin payouts
 * with a txid, spread over the partitions); the file is claimed for the run's cluster and
 * results topic, so the gateway resumes it instead of emptying it.
 */
import { mkdirSync, statSync } from "node:fs"
import { dirname } from "node:path"
import { Effect } from "effect"
import { statusStorePath } from "../../src/actors/status-view/index.ts"
import { kafkaCall, makeCluster, scopedAdmin } from "../../src/adapters/kafka.ts"
import { statusSettingsOf } from "../../src/config/gateway-config.ts"
import type { StatusRecord } from "../../src/domain/status.ts"
import { openStatusStore } from "../../src/status/store.ts"
import type { GatewayRun } from "../lib/gateway-under-test.ts"

const clusterIdOf = (brokers: ReadonlyArray<string>): Promise<string> => {
  const cluster = makeCluster({ brokers: [...brokers], clientId: "gateway-bench", connectionTimeoutMs: 3000, requestTimeoutMs: 30000 })
  return Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const admin = yield* scopedAdmin(cluster)
        return (yield* kafkaCall(cluster, "admin.describeCluster", () => admin.describeCluster())).clusterId
      }),
    ),
  )
}

/** What the fill wrote, and how long it took. */
export interface StoreFill {
  readonly records: number
  readonly fileMb: number
  readonly ms: number
}

/** Writes `count` confirmed requests into the run's status store; `progress` gets the share done. */
export const fillStatusStore = async (run: GatewayRun, count: number, progress: (done: number) => void): Promise<StoreFill> => {
  const started = performance.now()
  const topic = run.config.kafka.topics.results
  const path = statusStorePath(statusSettingsOf(run.config.status).dataDir, run.host, topic)
  mkdirSync(dirname(path), { recursive: true })
  const store = openStatusStore(path)
  try {
    store.claimSource(`${await clusterIdOf(run.config.kafka.brokers)}/${topic}`)
    const partitions = run.config.kafka.topics.partitions
    const at = Date.now() - 86_400_000
    const chunk = 20_000
    for (let from = 0; from < count; from += chunk) {
      const records: StatusRecord[] = []
      for (let i = from; i < Math.min(count, from + chunk); i++) {
        const id = `fill-${i.toString(16).padStart(8, "0")}-0000-4000-8000-000000000000`
        records.push({ id, status: "confirmed", chain: "bitcoin", sender: `account-${i % 1000}`, partition: i % partitions, at: at + i, rev: 3, txid: i.toString(16).padStart(64, "0"), vout: 0, block: 100 + (i >> 10), confirmations: 1 })
      }
      store.applyMany(records)
      progress(Math.min(count, from + chunk) / count)
    }
  } finally {
    store.close()
  }
  return { records: count, fileMb: Math.round(statSync(path).size / 1024 / 102.4) / 10, ms: Math.round(performance.now() - started) }
}
