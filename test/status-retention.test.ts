/**
 * `[status].retention_days` on the real Kafka brokers. Final requests older than the
 * retention are deleted from the store and get a tombstone in the results topic (read
 * back from the topic), so a host that reads the topic afresh does not bring them back;
 * unfinished and recent requests stay. And the guard: while `sendto` keeps its messages
 * longer than the retention, nothing is deleted, and the log says why.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { StatusView } from "../src/actors/status-view/index.ts"
import { topicRetentionMs } from "../src/adapters/kafka.ts"
import type { GatewayConfig } from "../src/config/gateway-config.ts"
import type { StatusRecord } from "../src/domain/status.ts"
import { makeLogger } from "../src/observability/log.ts"
import { eventually, localConfig, readCommitted } from "./support/kafka-fixtures.ts"
import { createOwnTopics, type OwnKafka, ownTopics, startStatusView, viewHostContext } from "./support/status-view-run.ts"

const tag = `status-retention-${Date.now().toString(36)}`
const topics = ownTopics(tag)
const day = 86_400_000
const dirs: string[] = []

let kafka: OwnKafka
let base: GatewayConfig

beforeAll(async () => {
  kafka = await createOwnTopics(tag, topics, 1)
  base = await localConfig()
}, 60_000)

afterAll(async () => {
  await kafka?.close()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
}, 30_000)

/** Sets sendto's retention.ms and waits until the brokers report it (a topic's config reaches them one by one). */
const setRequestsRetention = async (ms: number) => {
  await kafka.admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: topics.requests, configEntries: [{ name: "retention.ms", value: String(ms) }] }] })
  // Any broker may answer; ten answers in a row that agree stand for all three.
  let agreeing = 0
  await eventually(
    () => topicRetentionMs(kafka.admin, topics.requests),
    (reported) => (agreeing = reported === ms ? agreeing + 1 : 0) >= 10,
    30_000,
  )
}

const record = (id: string, status: StatusRecord["status"], at: number): StatusRecord => ({ id, status, chain: "bitcoin", sender: "payroll", partition: 0, at, rev: 2 })

/** One host start with its own empty store folder and `[status].retention_days = 2`; `lines` gets its log. */
const withView = async (lines: string[], body: (view: StatusView) => Promise<void>) => {
  const dataDir = mkdtempSync(join(tmpdir(), "gateway-status-retention-"))
  dirs.push(dataDir)
  const log = makeLogger("retention-test", { minLevel: "info", write: (line) => void lines.push(line) })
  const run = startStatusView(viewHostContext(base, { topics, partitions: 1, groupId: `${tag}-group`, status: { data_dir: dataDir, retention_days: 2 }, log }))
  try {
    await body(run.view)
  } finally {
    await run.stop()
  }
}

const logged = async (lines: string[], event: string, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const line = lines.find((l) => l.includes(`"event":"${event}"`))
    if (line !== undefined) return JSON.parse(line) as Record<string, unknown>
    if (Date.now() > deadline) throw new Error(`no ${event} in ${timeoutMs} ms; logged: ${lines.join("\n")}`)
    await Bun.sleep(100)
  }
}

test("while sendto keeps its messages longer than the retention (Kafka's default 7 days), nothing is deleted, and the log says why", async () => {
  const now = Date.now()
  await kafka.producer.send({ topic: topics.results, acks: -1, messages: [record("old-done", "confirmed", now - 5 * day)].map((r) => ({ key: r.id, value: JSON.stringify(r), partition: 0 })) })
  const lines: string[] = []
  await withView(lines, async (view) => {
    const refused = await logged(lines, "status-view.retention-refused")
    expect(String(refused.reason)).toContain("keeps messages for 7.0 days, not less than [status].retention_days (2)")
    expect(view.get("old-done")?.status).toBe("confirmed")
  })
}, 120_000)

test("final requests older than retention_days are deleted here and tombstoned in the topic; the rest stay", async () => {
  const now = Date.now()
  const records = [
    record("old-failed", "failed", now - 3 * day),
    record("old-stuck", "signed", now - 3 * day),
    record("recent-done", "confirmed", now - day),
  ]
  await kafka.producer.send({ topic: topics.results, acks: -1, messages: records.map((r) => ({ key: r.id, value: JSON.stringify(r), partition: 0 })) })
  await setRequestsRetention(day)
  const lines: string[] = []
  await withView(lines, async (view) => {
    expect(await logged(lines, "status-view.expired")).toMatchObject({ deleted: 2, retention_days: 2 })
    expect([view.get("old-done"), view.get("old-failed")]).toEqual([undefined, undefined])
    expect([view.get("old-stuck")?.status, view.get("recent-done")?.status]).toEqual(["signed", "confirmed"])
  })
  const tombstoned = (await readCommitted(kafka.cluster, kafka.admin, topics.results, 0)).filter((r) => r.value === "").map((r) => r.key)
  expect(tombstoned.sort()).toEqual(["old-done", "old-failed"])
  // A host reading the topic from the beginning meets each tombstone after its records.
  const fresh: string[] = []
  await withView(fresh, async (view) => {
    await logged(fresh, "status-view.caught-up")
    expect([view.get("old-done"), view.get("old-failed"), view.get("old-stuck")?.status]).toEqual([undefined, undefined, "signed"])
  })
}, 120_000)
