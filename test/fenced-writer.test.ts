/**
 * The fenced writer of one partition against the real Kafka brokers: a new owner fences
 * the old one (in-process, and a process frozen with SIGSTOP), records and consumer
 * offsets commit together or not at all, and concurrent commits share transactions.
 * Each test has topics and a group of its own, named after it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { join } from "node:path"
import { KafkaUnavailable } from "../src/adapters/errors.ts"
import type { KafkaAdmin, KafkaCluster } from "../src/adapters/kafka.ts"
import { executorTransactionalId, makeFencedWriter, WriterFenced, WriterMustReopen, type CommitProof, type FencedWriter } from "../src/kafka/fenced-writer.ts"
import { connectedAdmin, createTopics, deleteTopics, eventually, groupOffset, readCommitted, refuseKeylessWrites, testCluster } from "./support/kafka-fixtures.ts"

let cluster: KafkaCluster
let admin: KafkaAdmin
const created: string[] = []
const writers: FencedWriter[] = []

beforeAll(async () => {
  cluster = await testCluster("kafka-fenced-writer-test")
  admin = await connectedAdmin(cluster)
})

afterAll(async () => {
  await Promise.all(writers.map((w) => w.close()))
  await deleteTopics(admin, created)
  await admin.disconnect()
}, 30_000)

/** Topics and a group named after the test, created with `partitions` partitions. */
const setup = async (name: string, partitions = 1) => {
  const tag = `kafka-${name}-${Date.now().toString(36)}`
  const t = { requests: `${tag}-requests`, results: `${tag}-results`, dlq: `${tag}-dlq`, group: `${tag}-group` }
  await createTopics(cluster, admin, [t.requests, t.results, t.dlq], partitions)
  created.push(t.requests, t.results, t.dlq)
  return t
}

type Topics = Awaited<ReturnType<typeof setup>>

const writerFor = (t: Topics, partition = 0, graceMs = 3000) => {
  const w = makeFencedWriter(cluster, { partition, groupId: t.group, requestsTopic: t.requests, graceMs })
  writers.push(w)
  return w
}

const values = async (topic: string, partition = 0) => (await readCommitted(cluster, admin, topic, partition)).map((r) => r.value)
/**
 * The group's offset and the results a read_committed reader sees, once both show a
 * commit: a transaction's markers land on each partition on their own, a few ms apart,
 * so the offset can be visible a moment before the records (or the other way round).
 */
const settled = async (t: Topics, offset: bigint, results: number) =>
  eventually(
    async () => ({ offset: await groupOffset(admin, t.group, t.requests, 0), results: await values(t.results) }),
    (s) => s.offset === offset && s.results.length === results,
  )

const lastStable = async (topic: string, partition = 0) => BigInt((await admin.fetchTopicOffsets(topic)).find((o) => o.partition === partition)?.high ?? "0")

describe("fencing", () => {
  test("a second open() fences the first: its next commit and every one after fail WriterFenced", async () => {
    const t = await setup("fence-two")
    const first = writerFor(t)
    await first.open()
    await first.commit([{ topic: t.results, key: "a", value: "first-1" }], 1n)
    const second = writerFor(t)
    await second.open()
    const fenced = await first.commit([{ topic: t.results, key: "b", value: "first-2" }], 2n).catch((e: unknown) => e)
    expect(fenced).toBeInstanceOf(WriterFenced)
    // Later calls fail at once with the same error, without asking Kafka.
    const started = performance.now()
    expect(await first.commit([{ topic: t.results, key: "c", value: "first-3" }]).catch((e: unknown) => e)).toBe(fenced)
    expect(performance.now() - started).toBeLessThan(50)
    expect(await first.open().catch((e: unknown) => e)).toBe(fenced)
    await second.commit([{ topic: t.results, key: "d", value: "second-1" }], 3n)
    expect(await settled(t, 3n, 2)).toEqual({ offset: 3n, results: ["first-1", "second-1"] })
  })

  test("records an old owner holds in an open transaction never become visible once a new owner opens", async () => {
    const t = await setup("fence-open-txn")
    // The old owner, caught between its sends and its EndTxn: a raw transactional producer
    // with the partition's transactional id, as the writer's own would be at that moment.
    const old = cluster.client.producer({ transactionalId: executorTransactionalId(t.group, 0), idempotent: true, maxInFlightRequests: 1 })
    await old.connect()
    const txn = await old.transaction()
    await txn.sendBatch({ acks: -1, topicMessages: [{ topic: t.results, messages: [{ key: "x", value: "old-open", partition: 0 }] }] })
    await txn.sendOffsets({ consumerGroupId: t.group, topics: [{ topic: t.requests, partitions: [{ partition: 0, offset: "50" }] }] })
    // While the transaction is open, a read_committed reader's end (the last stable offset) stops before it.
    expect(await lastStable(t.results)).toBe(0n)
    const owner = writerFor(t)
    await owner.open()
    // open() returned after the coordinator aborted the old transaction: the marker is in.
    expect(await lastStable(t.results)).toBe(2n)
    const late = await txn.commit().catch((e: unknown) => e)
    expect(String(late)).toContain("old epoch")
    await old.disconnect()
    await owner.commit([{ topic: t.results, key: "y", value: "new-1" }], 1n)
    expect(await settled(t, 1n, 1)).toEqual({ offset: 1n, results: ["new-1"] })
  })

  test("a writer frozen past a new owner's open() wakes outside its grace and is fenced", async () => {
    const t = await setup("fence-frozen")
    const graceMs = 2000
    const child = Bun.spawn([process.execPath, join(import.meta.dir, "support", "fenced-writer-child.ts"), JSON.stringify({ partition: 0, groupId: t.group, requestsTopic: t.requests, resultsTopic: t.results, graceMs })], {
      stdin: "pipe",
      stdout: "pipe",
      stderr: "inherit",
    })
    const replies = lineReader(child.stdout)
    const send = (line: string) => {
      child.stdin.write(`${line}\n`)
      child.stdin.flush()
    }
    try {
      send("open")
      expect(await replies()).toEqual({ cmd: "open", ok: true })
      send("commit before-freeze")
      expect(await replies()).toEqual({ cmd: "commit", ownedBefore: null, ok: true })
      child.kill("SIGSTOP")
      const stoppedAt = performance.now()
      const owner = writerFor(t)
      await owner.open()
      await owner.commit([{ topic: t.results, key: "n", value: "new-owner" }], 10n)
      await Bun.sleep(Math.max(0, 3000 - (performance.now() - stoppedAt)))
      // Queued while stopped: the first thing the child does on waking.
      send("commit after-freeze")
      child.kill("SIGCONT")
      expect(await replies()).toEqual({ cmd: "commit", ownedBefore: false, ok: false, tag: "WriterFenced" })
      expect(await settled(t, 10n, 2)).toEqual({ offset: 10n, results: ["before-freeze", "new-owner"] })
    } finally {
      child.kill("SIGCONT")
      child.kill("SIGKILL")
      await child.exited
    }
  }, 60_000)
})

describe("atomicity", () => {
  test("a refused record aborts the records and the offset of its commit; the same commit lands after a re-open", async () => {
    const t = await setup("atomic-refused")
    const w = writerFor(t)
    await w.open()
    await w.commit([{ topic: t.results, key: "r1", value: "r1" }, { topic: t.results, key: "r2", value: "r2" }], 5n)
    expect(await settled(t, 5n, 2)).toEqual({ offset: 5n, results: ["r1", "r2"] })

    // The DLQ refuses the keyless dead letter: the results record sent in the same
    // transaction is aborted with it, and the offset does not move.
    await refuseKeylessWrites(admin, t.dlq, true)
    await Bun.sleep(1000)
    const records = [{ topic: t.results, key: "r3", value: "r3" }, { topic: t.dlq, key: null, value: "a dead letter" }]
    const refused = await w.commit(records, 9n).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(WriterMustReopen)
    expect(refused).toMatchObject({ outcome: "aborted" })
    expect(String((refused as WriterMustReopen).detail)).toContain("INVALID_RECORD")
    await eventually(() => lastStable(t.results), (end) => end === 5n)
    expect(await lastStable(t.results)).toBe(5n) // r1, r2, their commit marker, r3, its abort marker
    expect(await groupOffset(admin, t.group, t.requests, 0)).toBe(5n)
    expect(await values(t.results)).toEqual(["r1", "r2"])
    // Until its owner opens it again, the writer refuses at once.
    expect(await w.commit(records, 9n).catch((e: unknown) => e)).toBe(refused)

    // Re-opened (a new producer epoch, so no rewound sequence number can be taken for a
    // duplicate of the aborted r3), the same commit lands whole.
    await refuseKeylessWrites(admin, t.dlq, false)
    await Bun.sleep(1000)
    await w.open()
    await w.commit(records, 9n)
    expect(await settled(t, 9n, 3)).toEqual({ offset: 9n, results: ["r1", "r2", "r3"] })
    expect(await values(t.dlq)).toEqual(["a dead letter"])
  }, 60_000)

  test("a refused offset commit aborts the records sent with it, and the writer goes on", async () => {
    const t = await setup("atomic-offset")
    // A requests topic that does not exist: TxnOffsetCommit answers UNKNOWN_TOPIC_OR_PARTITION.
    const w = makeFencedWriter(cluster, { partition: 0, groupId: t.group, requestsTopic: `${t.requests}-missing`, graceMs: 3000 })
    writers.push(w)
    await w.open()
    const refused = await w.commit([{ topic: t.results, key: "a", value: "with-offset" }], 4n).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(KafkaUnavailable)
    expect(String((refused as KafkaUnavailable).detail)).toContain("UNKNOWN_TOPIC_OR_PARTITION")
    await w.commit([{ topic: t.results, key: "b", value: "without-offset" }])
    await eventually(() => values(t.results), (v) => v.length === 1)
    expect(await values(t.results)).toEqual(["without-offset"])
    // The group has no committed offset of any topic.
    expect(await admin.fetchOffsets({ groupId: t.group })).toEqual([])
  }, 60_000)
})

describe("group commit", () => {
  test("200 concurrent commits share a few transactions and all land, with the highest offset", async () => {
    const t = await setup("group-commit")
    const w = writerFor(t)
    await w.open()
    const value = (i: number) => JSON.stringify({ i, pad: "x".repeat(380) })
    const proofs = await Promise.all(Array.from({ length: 200 }, (_, i) => w.commit([{ topic: t.results, key: `k${i}`, value: value(i) }], BigInt(i + 1))))
    const transactions = new Set<CommitProof>(proofs).size
    expect(transactions).toBeLessThanOrEqual(10)
    expect(proofs.every((p) => w.owns(p))).toBe(true)
    const read = (await settled(t, 200n, 200)).results
    expect(read).toHaveLength(200)
    expect(new Set(read)).toEqual(new Set(Array.from({ length: 200 }, (_, i) => value(i))))
    process.stderr.write(`group commit: 200 calls in ${transactions} transactions\n`)
  }, 60_000)
})

describe("large commits", () => {
  test("one commit of 3 MB to one partition (a 500-output payout's records, and more) lands whole, with its offset", async () => {
    const t = await setup("large-commit")
    const w = writerFor(t)
    await w.open()
    // Each record 2 KB: 1,500 of them are three times Kafka's default max.message.bytes for one record batch.
    const records = Array.from({ length: 1_500 }, (_, i) => ({ topic: t.results, key: `m${i}`, value: JSON.stringify({ i, pad: "x".repeat(2_000) }) }))
    await w.commit(records, 7n)
    const read = (await settled(t, 7n, 1_500)).results
    expect(read).toEqual(records.map((r) => r.value))
  }, 60_000)
})

/** Reads JSON lines from a child's stdout, one per call (fails after 30 s). */
const lineReader = (stream: ReadableStream<Uint8Array>) => {
  const reader = stream.getReader()
  const decoder = new TextDecoder()
  let buffered = ""
  return async (): Promise<unknown> => {
    const deadline = performance.now() + 30_000
    for (;;) {
      const newline = buffered.indexOf("\n")
      if (newline >= 0) {
        const line = buffered.slice(0, newline)
        buffered = buffered.slice(newline + 1)
        return JSON.parse(line)
      }
      const left = deadline - performance.now()
      const timeout = Bun.sleep(Math.max(0, left)).then(() => Promise.reject(new Error(`no reply from the child in 30 s (have: ${buffered})`)))
      const { value, done } = await Promise.race([reader.read(), timeout])
      if (done) throw new Error(`the child closed its stdout (have: ${buffered})`)
      buffered += decoder.decode(value)
    }
  }
}
