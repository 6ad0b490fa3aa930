/**
 * The kafkajs patch applied at install (scripts/patch-kafkajs.ts): the protocol Encoder
 * takes its buffers without zero-filling them, which is safe only while every byte it
 * hands out was written. Checked by encoding the same produce request with the unfilled
 * allocations full of garbage and with them zeroed: the bytes must not differ.
 */
import { expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"

const require = createRequire(import.meta.url)
type Encoded = { readonly buffer: Buffer }
type ProduceRequest = (args: Record<string, unknown>) => { readonly encode: () => Promise<Encoded> }
const produceV3 = require("kafkajs/src/protocol/requests/produce/v3/request.js") as ProduceRequest

/** A produce request of several topics and partitions, records of mixed sizes (some past the encoders' first 512 bytes, some null). */
const request = () =>
  produceV3({
    acks: -1,
    timeout: 30_000,
    transactionalId: "gateway-exec-p3",
    topicData: ["sendto.results", "sendto.dlq"].map((topic, t) => ({
      topic,
      partitions: Array.from({ length: 3 }, (_, partition) => ({
        partition,
        firstSequence: partition * 10,
        messages: Array.from({ length: 40 }, (_, i) => ({
          key: i % 7 === 0 ? null : `request-${t}-${partition}-${i}`,
          value: i % 11 === 0 ? null : JSON.stringify({ id: i, status: "signed", raw_tx: "0x02".padEnd(2 + ((i * 97) % 3000), "ab") }),
          headers: i % 5 === 0 ? { "content-type": "application/json", trace: `t${i}` } : {},
          timestamp: 1_796_539_886_279 + i,
        })),
      })),
    })),
  })

/** Encodes with Buffer.allocUnsafe answering buffers filled with `fill`. */
const encodeWithUnfilled = async (fill: number): Promise<Buffer> => {
  const original = Buffer.allocUnsafe
  Buffer.allocUnsafe = (size: number) => original(size).fill(fill)
  try {
    return Buffer.from((await request().encode()).buffer)
  } finally {
    Buffer.allocUnsafe = original
  }
}

test("the installed encoder is the patched one", () => {
  const source = readFileSync(require.resolve("kafkajs/src/protocol/encoder.js"), "utf8")
  expect(source).toContain("scripts/patch-kafkajs.ts")
  expect(source).not.toContain("Buffer.alloc(")
})

test("a produce request encodes to the same bytes whatever the unfilled buffers held", async () => {
  const zeroed = await encodeWithUnfilled(0)
  const garbage = await encodeWithUnfilled(0xa5)
  expect(zeroed.length).toBeGreaterThan(100_000)
  expect(garbage.equals(zeroed)).toBe(true)
})
