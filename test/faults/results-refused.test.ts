/**
 * Fault: `sendto.results` cannot take writes for 10 s in the middle of a run of both
 * chains. Its `min.insync.replicas` is raised to 3 (its replica count) and one broker is
 * frozen (SIGSTOP) for 10 s: the partitions it leads cannot be written at all, and the
 * others cannot gather three in-sync replicas. (Raising `min.insync.replicas` above the
 * broker count refuses nothing: Kafka caps it at the replica count. Refusing records by
 * their timestamps also refuses the coordinator's transaction markers, which leaves
 * transactions stuck for good — not a fault a cluster meets.)
 *
 * Nothing may be broadcast that is not recorded first, so during the outage nothing new
 * reaches the chains; afterwards every request ends exactly once. Judged from the chains.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { btcPaidCounts, btcPayouts, ethPaidCounts, ethTransfers, expectExactlyOnce, startFaultRun, submitAll, waitAllFinal, type FaultRun } from "../support/fault-run.ts"
import { setTopicConfig } from "../support/kafka-topic-config.ts"
import { freezeFor, thaw } from "../support/stack-process.ts"

let run: FaultRun
const broker = "kafka-3"

beforeAll(async () => {
  run = await startFaultRun({ name: "results-refused", ethSenders: 8, consumers: 2 })
}, 180_000)

afterAll(async () => {
  try {
    thaw(broker)
  } catch {
    // not frozen
  }
  if (run !== undefined) await setTopicConfig(run.topics.results, { "min.insync.replicas": "2", "cleanup.policy": "compact" }).catch(() => undefined)
  await run?.stop()
}, 120_000)

test("every request ends exactly once after sendto.results could not be written for 10 s mid-run", async () => {
  const intake = run.intakes[0] ?? ""
  const transfers = ethTransfers(run, 40)
  const payouts = btcPayouts(run, 60)
  const ids = [...(await submitAll(intake, transfers)), ...(await submitAll(intake, payouts))]
  await setTopicConfig(run.topics.results, { "min.insync.replicas": "3", "cleanup.policy": "compact" })
  await new Promise((r) => setTimeout(r, 1_000))
  const frozenAt = Date.now()
  await freezeFor(broker, 10_000)
  await setTopicConfig(run.topics.results, { "min.insync.replicas": "2", "cleanup.policy": "compact" })
  process.stderr.write(`results-refused: ${broker} frozen for ${Date.now() - frozenAt} ms with ${run.topics.results} at min.insync.replicas=3\n`)

  expect(await waitAllFinal("results-refused", intake, ids, 300_000)).toBe(true)
  expectExactlyOnce(await ethPaidCounts(run, transfers.map((t) => t.params.value)), transfers.map((t) => t.params.value), "ethereum transfers")
  expectExactlyOnce(await btcPaidCounts(run), payouts.map((p) => p.params.amount), "bitcoin payouts")
}, 420_000)
