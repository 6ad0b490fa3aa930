/**
 * The kafkajs patch applied at install (scripts/patch-kafkajs.ts): a broker connection's
 * request queue arms no timer while nothing is pending, and still arms one when a request
 * waits (to retry it after the in-flight limit or a throttle).
 */
import { afterEach, describe, expect, test } from "bun:test"
import { createRequire } from "node:module"

const require = createRequire(import.meta.url)

interface Queue {
  pending: unknown[]
  throttledUntil: number
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null
  scheduleCheckPendingRequests(): void
  checkPendingRequests(): void
  canSendSocketRequestImmediately(): boolean
}

const RequestQueue = require("kafkajs/src/network/requestQueue/index.js") as new (options: Record<string, unknown>) => Queue
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined }
const made: Queue[] = []
const queue = (): Queue => {
  const q = new RequestQueue({ maxInFlightRequests: 1, requestTimeout: 1000, enforceRequestTimeout: true, clientId: "test", broker: "b:1", logger: silent })
  made.push(q)
  return q
}

afterEach(() => {
  for (const q of made.splice(0)) if (q.throttleCheckTimeoutId !== null) clearTimeout(q.throttleCheckTimeoutId)
})

describe("kafkajs RequestQueue, as patched at install", () => {
  test("an idle queue arms no timer, after a check or a schedule", () => {
    const q = queue()
    q.checkPendingRequests()
    q.scheduleCheckPendingRequests()
    expect(q.throttleCheckTimeoutId).toBeNull()
  })

  test("a waiting request still gets its timer", () => {
    const q = queue()
    q.pending.push({})
    q.canSendSocketRequestImmediately = () => false
    q.scheduleCheckPendingRequests()
    expect(q.throttleCheckTimeoutId).not.toBeNull()
  })

  test("a throttled queue still wakes when the throttle ends", () => {
    const q = queue()
    q.throttledUntil = Date.now() + 60_000
    q.scheduleCheckPendingRequests()
    expect(q.throttleCheckTimeoutId).not.toBeNull()
  })
})
