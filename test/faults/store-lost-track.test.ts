/**
 * Fault: the status store loses track of what is in flight, then every executor is taken
 * over. On one host with both roles, while Ethereum transfers and Bitcoin payouts stream,
 * the test writes the partition column of every signed or submitted row in the host's
 * status store file to -1 (what the store's old upsert did, see writer-fenced-one-host)
 * just before each of six fences. Each takeover then asks the store for its partition's
 * unfinished requests and finds none of those: the rebuilt books miss them, as every
 * takeover did on a host with both roles before 058998a.
 *
 * What must hold: each lane's tracker compares the store's records (which still name their
 * partition) with what it holds, takes every missed Ethereum request and Bitcoin
 * transaction back within about a minute (`partition-executor.untracked-adopted`), follows
 * it to its final status, and nothing is paid twice. Judged from the statuses and the
 * chains. Before that comparison existed (91793ef), the same fault left 316 of 444
 * requests `signed` or `submitted` after 240 s; with it, all were final after 33-50 s.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { Database } from "bun:sqlite"
import { join } from "node:path"
import { Kafka, logLevel } from "kafkajs"
import { testCluster } from "../support/kafka-fixtures.ts"
import { btcPaidCounts, btcPayouts, ethPaidCounts, ethTransfers, expectExactlyOnce, type FaultRun, startOneHostRun, streamWhileFencing, waitAllFinal } from "../support/fault-run.ts"

let run: FaultRun
const partitions = 12
const fenceRounds = 6
const fenceEveryMs = 2_500

beforeAll(async () => {
  run = await startOneHostRun("store-lost-track")
}, 180_000)

afterAll(async () => {
  await run?.stop()
}, 120_000)

/** The host's status store file: `<data_dir>/<host>/status-<results topic>.sqlite` under the run's folder (config/local.toml's data_dir). */
const storeFile = () => join(run.dir, ".run", "data", "local", `status-${run.topics.results.replace(/[^A-Za-z0-9._-]/g, "_")}.sqlite`)

/** Hides every in-flight row from the store's by-partition query; answers how many rows it hid. */
const loseTrack = (): number => {
  const db = new Database(storeFile())
  try {
    db.run("PRAGMA busy_timeout = 5000")
    return db.run("UPDATE request_status SET partition = -1 WHERE status IN ('signed', 'submitted')").changes
  } finally {
    db.close()
  }
}

test("after takeovers that the status store hid the in-flight requests from, the tracker takes them back, and every request ends exactly once", async () => {
  const intake = run.intakes[0] ?? ""
  const host = run.producers[0]
  const brokers = (await testCluster("store-lost-track-test")).options.brokers
  const kafka = new Kafka({ clientId: "store-lost-track-test", brokers: [...brokers], logLevel: logLevel.NOTHING })
  const transfers = ethTransfers(run, 48)
  const payouts = btcPayouts(run, 60)
  const bodies = [...transfers, ...payouts].sort(() => Math.random() - 0.5)
  const hidden: number[] = []
  const ids = await streamWhileFencing(run, kafka, intake, bodies, { rounds: fenceRounds, everyMs: fenceEveryMs, partitions, beforeFence: () => hidden.push(loseTrack()) })
  // Precondition: the fault was injected while work was in flight.
  expect(Math.max(0, ...hidden)).toBeGreaterThan(0)

  const final = await waitAllFinal("store-lost-track", intake, ids, 240_000)
  const lines = host?.lines ?? []
  const adopted = lines.filter((l) => l.event === "partition-executor.untracked-adopted")
  const takeovers = lines.filter((l) => l.event === "partition-consumer.taken-over").length
  process.stderr.write(`store-lost-track: rows hidden before each fence ${hidden.join(", ")}; ${takeovers} takeovers; ${adopted.length} requests taken back (${adopted.filter((l) => l.adopted === false).length} of them not, their nonce held)\n`)
  expect(final).toBe(true)
  // The comparison, not a takeover, found them.
  expect(adopted.filter((l) => l.adopted === true).length).toBeGreaterThan(0)
  expectExactlyOnce(await ethPaidCounts(run, transfers.map((t) => t.params.value)), transfers.map((t) => t.params.value), "ethereum transfers")
  expectExactlyOnce(await btcPaidCounts(run), payouts.map((p) => p.params.amount), "bitcoin payouts")
  expect(host?.proc.exitCode).toBeNull()
}, 420_000)
