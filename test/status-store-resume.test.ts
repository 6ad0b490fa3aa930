/**
 * The status store on the real Kafka brokers: a host that restarts resumes from the read
 * positions in its store file instead of replaying `sendto.results`, and a store that no
 * longer matches the topic (filled from another cluster or topic, or a topic made again)
 * is emptied and read again from the beginning.
 *
 * The proof of "resumed" is read from the store itself: between two runs a record is
 * deleted from the file behind the view's back. A view that replayed the topic would
 * bring it back; a view that resumed does not, and still reads what was written while
 * it was down.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { statusStorePath, type StatusView } from "../src/actors/status-view/index.ts"
import type { HostContext } from "../src/host/host-context.ts"
import type { StatusRecord } from "../src/domain/status.ts"
import { makeLogger } from "../src/observability/log.ts"
import { openStatusStore } from "../src/status/store.ts"
import { localConfig } from "./support/kafka-fixtures.ts"
import { createOwnTopics, type OwnKafka, ownTopics, startStatusView, viewHostContext } from "./support/status-view-run.ts"

const tag = `status-resume-${Date.now().toString(36)}`
const topics = ownTopics(tag)
const dataDir = mkdtempSync(join(tmpdir(), "gateway-status-resume-"))

let kafka: OwnKafka
let ctx: HostContext

beforeAll(async () => {
  kafka = await createOwnTopics(tag, topics, 3)
  const log = makeLogger("status-resume-test", { minLevel: "error" })
  ctx = viewHostContext(await localConfig(), { topics, partitions: 3, groupId: `${tag}-group`, status: { data_dir: dataDir }, log })
}, 60_000)

afterAll(async () => {
  await kafka?.close()
  rmSync(dataDir, { recursive: true, force: true })
}, 30_000)

const record = (id: string, partition: number, status: StatusRecord["status"] = "signed"): StatusRecord => ({
  id,
  status,
  chain: "ethereum",
  sender: "0xresume",
  partition,
  at: Date.now(),
  rev: 1,
})

const write = (ids: readonly string[], status: StatusRecord["status"] = "signed") =>
  kafka.producer.send({
    topic: topics.results,
    acks: -1,
    messages: ids.map((id, i) => ({ key: id, value: JSON.stringify(record(id, i % 3, status)), partition: i % 3 })),
  })

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`)

/** Runs one status view (one host start) until `body` is done, then stops it as a shutdown would. */
const withView = async (body: (view: StatusView) => Promise<void>) => {
  const { view, stop } = startStatusView(ctx)
  try {
    // The actor's own first catch-up (what a host waits for before it serves), then ours.
    const deadline = Date.now() + 30_000
    while (!view.ready()) {
      if (Date.now() > deadline) throw new Error("the status view did not catch up in 30 s")
      await Bun.sleep(50)
    }
    await view.catchUp()
    await body(view)
  } finally {
    await stop()
  }
}

const path = () => statusStorePath(dataDir, ctx.host.name, topics.results)

test("a restart resumes from the stored read positions, and reads what was written while down", async () => {
  await write(ids("first", 300))
  await withView(async (view) => {
    expect(view.store.size()).toBe(300)
    expect(view.get("first-7")?.status).toBe("signed")
  })
  // Behind the view's back: one record goes from the file; more arrive in the topic.
  const offline = openStatusStore(path())
  offline.remove(["first-7"])
  expect(offline.readPositions(topics.results).size).toBe(3)
  offline.close()
  await write(ids("while-down", 30))
  await write(["first-8"], "confirmed")
  await withView(async (view) => {
    expect(view.get("first-7")).toBeUndefined() // not replayed: resumed
    expect(view.get("while-down-29")?.status).toBe("signed")
    expect(view.get("first-8")?.status).toBe("confirmed")
    expect(view.store.size()).toBe(299 + 30)
    expect(view.store.history("first-8").map((t) => t.status)).toEqual(["signed", "confirmed"])
  })
}, 120_000)

test("a store filled from another cluster or topic is emptied and read again from the beginning", async () => {
  const foreign = openStatusStore(path())
  foreign.claimSource("another-cluster/another-topic")
  foreign.apply(record("foreign-1", 0, "confirmed"))
  foreign.close()
  await withView(async (view) => {
    expect(view.get("foreign-1")).toBeUndefined()
    expect(view.get("first-7")?.status).toBe("signed") // replayed from the beginning
    expect(view.store.size()).toBe(300 + 30)
  })
}, 120_000)

test("a stored position beyond the topic's end (the topic was made again) is read again from the beginning", async () => {
  const ahead = openStatusStore(path())
  ahead.saveReadPosition(topics.results, 0, 1_000_000n)
  ahead.apply(record("phantom-1", 0, "confirmed"))
  ahead.close()
  await withView(async (view) => {
    expect(view.get("phantom-1")).toBeUndefined()
    expect(view.store.size()).toBe(330)
  })
}, 120_000)

test("a tombstone in the topic deletes the request from the store", async () => {
  await kafka.producer.send({ topic: topics.results, acks: -1, messages: [{ key: "while-down-0", value: null, partition: 0 }] })
  await withView(async (view) => {
    expect(view.get("while-down-0")).toBeUndefined()
    expect(view.get("while-down-1")?.status).toBe("signed")
  })
}, 120_000)
