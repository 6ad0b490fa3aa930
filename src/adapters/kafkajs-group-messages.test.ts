/**
 * The kafkajs patch applied at install (scripts/patch-kafkajs.ts): the producer groups a
 * send's messages by partition in linear time, with the same groups, in the same order,
 * as kafkajs's own quadratic version.
 */
import { expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"

const require = createRequire(import.meta.url)
type Group = (args: { topic: string; partitionMetadata: unknown[]; messages: Array<{ key: string; n: number }>; partitioner: (a: { message: { key: string } }) => number }) => Record<string, Array<{ n: number }>>
const group = require("kafkajs/src/producer/groupMessagesPerPartition.js") as Group

test("the installed grouping is the patched one", () => {
  expect(readFileSync(require.resolve("kafkajs/src/producer/groupMessagesPerPartition.js"), "utf8")).toContain("scripts/patch-kafkajs.ts")
})

test("messages are grouped by the partitioner's choice, each group in send order", () => {
  const messages = Array.from({ length: 10 }, (_, n) => ({ key: `k${n % 3}`, n }))
  const byKey = (a: { message: { key: string } }) => Number(a.message.key.slice(1))
  const groups = group({ topic: "t", partitionMetadata: [{}, {}, {}], messages, partitioner: byKey })
  expect(Object.fromEntries(Object.entries(groups).map(([p, ms]) => [p, ms.map((m) => m.n)]))).toEqual({ 0: [0, 3, 6, 9], 1: [1, 4, 7], 2: [2, 5, 8] })
  expect(group({ topic: "t", partitionMetadata: [], messages, partitioner: byKey })).toEqual({})
})
