import { expect, test } from "bun:test"
import { Partitioners, type PartitionerArgs } from "kafkajs"
import { memoisedKeyPartitioner } from "./keyed-partitioner.ts"

const metadata = (n: number): PartitionerArgs["partitionMetadata"] =>
  Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }))

const args = (topic: string, key: string | undefined, n: number, partition?: number): PartitionerArgs => ({
  topic,
  partitionMetadata: metadata(n),
  message: { key, value: "v", ...(partition === undefined ? {} : { partition }) },
})

test("every key goes where kafkajs's default partitioner puts it, asked once or many times", () => {
  const memo = memoisedKeyPartitioner()
  const plain = Partitioners.DefaultPartitioner()
  const keys = Array.from({ length: 200 }, (_, i) => `ethereum:0x${i.toString(16).padStart(40, "0")}`)
  for (const round of [1, 2]) {
    for (const key of keys) expect({ round, key, p: memo(args("sendto", key, 12)) }).toEqual({ round, key, p: plain(args("sendto", key, 12)) })
  }
  // The partition count is part of what is remembered: a topic that grew spreads again.
  for (const key of keys.slice(0, 20)) expect(memo(args("sendto", key, 7))).toBe(plain(args("sendto", key, 7)))
})

test("an explicit partition is kept, and a record without a key is left to the default", () => {
  const memo = memoisedKeyPartitioner()
  expect(memo(args("sendto", "bitcoin:default", 12, 5))).toBe(5)
  const seen = new Set<number>()
  for (let i = 0; i < 60; i++) seen.add(memo(args("sendto", undefined, 12)))
  expect(seen.size).toBeGreaterThan(1)
})
