/**
 * The kafkajs patch applied at install (scripts/patch-kafkajs.ts): a Cluster keeps the
 * retry settings it was given, so a producer's transaction manager (which builds its
 * retrier from `cluster.retry`) retries InitProducerId and TxnOffsetCommit as configured
 * instead of with kafkajs's defaults.
 */
import { expect, test } from "bun:test"
import { createRequire } from "node:module"

const require = createRequire(import.meta.url)
const Cluster = require("kafkajs/src/cluster/index.js") as new (options: Record<string, unknown>) => { retry?: unknown }
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined }
const logger = { ...silent, namespace: () => logger }

test("a kafkajs Cluster keeps its retry settings for the transaction manager", () => {
  const retry = { retries: 8, initialRetryTime: 10, maxRetryTime: 1000 }
  const cluster = new Cluster({ brokers: ["127.0.0.1:1"], logger, retry })
  expect(cluster.retry).toBe(retry)
})
