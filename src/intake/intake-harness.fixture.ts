/**
 * An in-process intake for unit tests: the real app with an in-memory status view and
 * a fake `publish` that records what it was given (or fails on demand). Only the
 * boundary to Kafka is faked; everything the app does is real.
 */
import type { Hono } from "hono"
import type { QueuedRequest } from "../domain/request.ts"
import { openStatusStore, type StatusStore } from "../status/store.ts"
import { makeMetrics, type MetricsRegistry } from "../observability/metrics.ts"
import { Withdrawn } from "../kafka/group-commit.ts"
import type { IntakeDeps } from "./intake-deps.ts"
import { makeIntakeApp } from "./intake-app.ts"
import { makeWebhookBook, type WebhookBook } from "../webhooks/webhook-book.ts"
import type { WebhookWrite } from "./webhook-deps.ts"
import type { AttemptOutcome } from "../adapters/webhook-http.ts"

/** The API key the harness accepts. */
export const testApiKey = "test-key-1"

/** An intake under test and the handles to inspect it. */
export interface IntakeHarness {
  readonly app: Hono
  /** Every publish call, in order. */
  readonly published: QueuedRequest[][]
  readonly status: StatusStore
  readonly metrics: MetricsRegistry
  /**
   * Makes the next publish calls fail (from the `n`th call on, 1-based) or succeed again
   * (`undefined`): after the send (the requests may have been written), or withdrawn before it.
   */
  readonly failPublishFrom: (n: number | undefined, how?: "after-send" | "withdrawn") => void
  /** The webhook book the routes read and apply their writes to. */
  readonly webhookBook: WebhookBook
  /** Every write to the webhooks topic, in order. */
  readonly webhookWrites: WebhookWrite[][]
  /** Makes writes to the webhooks topic fail (true) or succeed again. */
  readonly failWebhookWrites: (fail: boolean) => void
  /** Every webhook delivery the routes sent (redeliveries), in order. */
  readonly webhookPosts: Array<{ readonly url: string; readonly headers: Readonly<Record<string, string>>; readonly body: string }>
  /** What the next deliveries come to (delivered with 200 unless set). */
  readonly answerPostsWith: (outcome: AttemptOutcome) => void
  /** POSTs JSON with the test API key. */
  readonly post: (path: string, body: unknown, headers?: Record<string, string>) => Promise<Response>
  /** GETs with the test API key. */
  readonly get: (path: string) => Promise<Response>
}

/** Builds a harness; `overrides` replace any dependency. */
export const intakeHarness = (overrides: Partial<IntakeDeps> = {}): IntakeHarness => {
  const published: QueuedRequest[][] = []
  const status = overrides.status ?? openStatusStore()
  const metrics = overrides.metrics ?? makeMetrics()
  let failFrom: number | undefined
  let failHow: "after-send" | "withdrawn" = "after-send"
  let calls = 0
  let ids = 0
  const webhookBook = makeWebhookBook()
  const webhookWrites: WebhookWrite[][] = []
  let failWrites = false
  let hookIds = 0
  let secrets = 0
  const webhookPosts: Array<{ readonly url: string; readonly headers: Readonly<Record<string, string>>; readonly body: string }> = []
  let postOutcome: AttemptOutcome = { _tag: "delivered", status: 200 }
  const deps: IntakeDeps = {
    version: "test",
    metrics,
    ready: () => true,
    readiness: () => ({ ready: true, checks: [{ name: "producer.kafka", state: "ok", since: "2023-11-14T22:13:20.000Z" }] }),
    publish: async (requests) => {
      calls += 1
      if (failFrom !== undefined && calls >= failFrom) throw failHow === "withdrawn" ? new Withdrawn({ items: requests.length }) : new Error("KafkaUnavailable: no brokers")
      published.push([...requests])
    },
    requestCancel: async (record) => status.apply(record),
    status,
    apiKeys: new Set([testApiKey]),
    apiKeysEnv: "GATEWAY_API_KEYS",
    limits: { maxBodyBytes: 1_000_000, maxBatchItems: 10_000, retryAfterS: 2, backlogBreaker: 1000, acceptTimeoutMs: 10_000 },
    backlog: () => 0,
    bitcoinNetwork: "simnet",
    bitcoinDefaultAccount: "default",
    ethereumChainId: 31337,
    now: () => 1_700_000_000_000,
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, "0")}`,
    webhooks: {
      book: webhookBook,
      applyLocal: (entries) => entries.forEach((e) => webhookBook.apply(e)),
      maxPerKey: 3,
      write: async (records) => {
        if (failWrites) throw new Error("KafkaUnavailable: no brokers")
        webhookWrites.push([...records])
      },
      newId: () => `wh_${++hookIds}`,
      // whsec_test1, 2, …: one per registration or rotation, in order.
      newSecret: () => `whsec_test${++secrets}`,
      post: async (args) => {
        webhookPosts.push({ url: args.url, headers: args.headers, body: args.body })
        return postOutcome
      },
      deliveryTimeoutMs: 1_000,
    },
    ...overrides,
  }
  const app = makeIntakeApp(deps)
  const auth = { authorization: `Bearer ${testApiKey}` }
  return {
    app,
    published,
    status,
    metrics,
    webhookBook,
    webhookWrites,
    failWebhookWrites: (fail) => { failWrites = fail },
    webhookPosts,
    answerPostsWith: (outcome) => { postOutcome = outcome },
    failPublishFrom: (n, how = "after-send") => {
      failFrom = n === undefined ? undefined : calls + n
      failHow = how
    },
    post: async (path, body, headers = {}) =>
      app.request(path, { method: "POST", headers: { "content-type": "application/json", ...auth, ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) }),
    get: async (path) => app.request(path, { headers: auth }),
  }
}
