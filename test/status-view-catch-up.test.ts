/**
 * The status view's catch-up under read_committed, against the real Kafka brokers: it
 * returns when a partition ends with a commit marker, with an abort marker (a batch
 * kafkajs never hands to `eachBatch`), and while a transaction is still open, and it
 * sees a new owner's records once that owner's `open()` has aborted the old one's.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import type { StatusView } from "../src/actors/status-view/index.ts"
import type { StatusRecord } from "../src/domain/status.ts"
import { executorTransactionalId, makeFencedWriter, type FencedWriter } from "../src/kafka/fenced-writer.ts"
import { makeLogger } from "../src/observability/log.ts"
import { eventually, localConfig } from "./support/kafka-fixtures.ts"
import { createOwnTopics, type OwnKafka, ownTopics, type RunningView, startStatusView, viewHostContext } from "./support/status-view-run.ts"

const tag = `kafka-view-catch-up-${Date.now().toString(36)}`
const topics = ownTopics(tag)
const group = `${tag}-group`
const partition = 1
const only = new Set([partition])

let kafka: OwnKafka
let view: StatusView
let running: RunningView | undefined
const writers: FencedWriter[] = []

beforeAll(async () => {
  kafka = await createOwnTopics(tag, topics, 2)
  const log = makeLogger("kafka-test", { minLevel: "error" })
  running = startStatusView(viewHostContext(await localConfig(), { topics, partitions: 2, groupId: group, log }))
  view = running.view
}, 60_000)

afterAll(async () => {
  await Promise.all(writers.map((w) => w.close()))
  await running?.stop()
  await kafka?.close()
}, 30_000)

const record = (id: string): string =>
  JSON.stringify({ id, status: "signed", chain: "ethereum", sender: "0xkafka", partition, at: Date.now() } satisfies StatusRecord)

const lastStable = async () => BigInt((await kafka.admin.fetchTopicOffsets(topics.results)).find((o) => o.partition === partition)?.high ?? "0")

/** `catchUp` must return; a hang is the bug this file guards against. */
const caughtUp = (partitions?: ReadonlySet<number>) =>
  Promise.race([view.catchUp(partitions), Bun.sleep(15_000).then(() => Promise.reject(new Error("catchUp did not return in 15 s")))])

const writer = () => {
  const w = makeFencedWriter(kafka.cluster, { partition, groupId: group, requestsTopic: topics.requests, graceMs: 3000 })
  writers.push(w)
  return w
}

/** A raw transactional producer playing another party (an old owner, or an aborted write). */
const rawProducer = async (transactionalId: string) => {
  const producer = kafka.cluster.client.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  return producer
}

test("catch-up returns when the partition ends with a commit marker", async () => {
  const w = writer()
  await w.open()
  await w.commit([{ topic: topics.results, key: "a", value: record("a") }], 1n)
  await eventually(lastStable, (end) => end === 2n) // a, commit marker
  await caughtUp(only)
  expect(view.get("a")?.status).toBe("signed")
  await w.commit([{ topic: topics.results, key: "b", value: record("b") }], 2n)
  await eventually(lastStable, (end) => end === 4n)
  await caughtUp(only)
  expect(view.get("b")?.status).toBe("signed")
}, 60_000)

test("catch-up returns when the partition ends with an abort marker", async () => {
  const producer = await rawProducer(`${tag}-aborter`)
  const txn = await producer.transaction()
  await txn.sendBatch({ acks: -1, topicMessages: [{ topic: topics.results, messages: [{ key: "c", value: record("c"), partition }] }] })
  await txn.abort()
  await producer.disconnect()
  await eventually(lastStable, (end) => end === 6n) // c, abort marker
  await caughtUp(only)
  await caughtUp()
  expect(view.get("c")).toBeUndefined()
}, 60_000)

test("an open transaction does not hold catch-up; a new owner's open() aborts it and its own records show", async () => {
  const old = await rawProducer(executorTransactionalId(group, partition))
  const txn = await old.transaction()
  await txn.sendBatch({ acks: -1, topicMessages: [{ topic: topics.results, messages: [{ key: "d", value: record("d"), partition }] }] })
  // The end a read_committed reader waits for stops before the open transaction.
  expect(await lastStable()).toBe(6n)
  await caughtUp(only)
  expect(view.get("d")).toBeUndefined()
  const owner = writer()
  await owner.open()
  expect(await lastStable()).toBe(8n) // d, and the abort marker open() caused
  await caughtUp(only)
  expect(view.get("d")).toBeUndefined()
  await owner.commit([{ topic: topics.results, key: "e", value: record("e") }], 3n)
  await eventually(lastStable, (end) => end === 10n)
  await caughtUp(only)
  expect(view.get("e")?.status).toBe("signed")
  await old.disconnect()
}, 60_000)
