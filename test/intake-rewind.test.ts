/**
 * An intake 202 must mean the request is in `sendto`, also after a produce request that
 * Kafka refused in part. kafkajs (2.2.4) winds an idempotent producer's sequence numbers
 * back for every partition of a failed produce request, also for partitions the broker
 * did write; the next send then reuses those numbers, and the broker takes its records
 * for duplicates of the earlier ones: it acks them (with the earlier offset) and writes
 * nothing. Reproduced here on a compiled producer-only gateway and a private broker:
 *
 * 1. `sendto`'s max.message.bytes is lowered to 4 KiB, and one batch carries 40 requests
 *    of account "rewind-big" (partition 0, well over 4 KiB: MESSAGE_TOO_LARGE) and one of
 *    "rewind-small" (partition 1): one produce request, refused on partition 0, written
 *    on partition 1; the intake answers 503 kafka_ambiguous.
 * 2. One new request of "rewind-small" (the same record count on partition 1) is
 *    answered 202, and must be in `sendto`.
 *
 * Partitions follow kafkajs's default (murmur2) partitioner over `bitcoin:<account>` and
 * three partitions; the test checks the batch's small request did land, which proves the
 * two accounts were in different partitions of one request.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { makeCluster } from "../src/adapters/kafka.ts"
import { sampleAddresses } from "../src/intake/validate/sample-addresses.ts"
import { connectedAdmin, limitRecordBatchBytes, readCommitted, type ReadRecord } from "./support/kafka-fixtures.ts"
import { type PrivateGateway, startPrivateGateway } from "./support/private-gateway.ts"

const apiKey = "intake-rewind-key"
const address = sampleAddresses("simnet").p2wpkh
const sendfrom = (account: string, amount: string) => ({ chain: "bitcoin", method: "sendfrom", params: { account, address, amount } })

describe("a produce request Kafka refused in part does not turn a later 202 into a lost request (private broker)", () => {
  let env: PrivateGateway | undefined

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${env?.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }

  /** Every record in `sendto`, all three partitions, as `{ partition, offset, id }`. */
  const sendto = async () => {
    const cluster = makeCluster({ brokers: [env?.kafka.broker ?? ""], clientId: "intake-rewind-reader", connectionTimeoutMs: 3000, requestTimeoutMs: 30_000 })
    const admin = await connectedAdmin(cluster)
    try {
      const records: Array<{ partition: number; offset: bigint; id: string }> = []
      for (const partition of [0, 1, 2]) {
        const read: ReadRecord[] = await readCommitted(cluster, admin, "sendto", partition)
        for (const r of read) records.push({ partition, offset: r.offset, id: (JSON.parse(r.value) as { id: string }).id })
      }
      return records
    } finally {
      await admin.disconnect()
    }
  }

  beforeAll(async () => {
    env = await startPrivateGateway({ name: "intake-rewind", roles: ["producer"], groupId: "intake-rewind", acceptTimeoutMs: 5_000, apiKey })
    const admin = await connectedAdmin(makeCluster({ brokers: [env.kafka.broker], clientId: "intake-rewind-admin", connectionTimeoutMs: 3000, requestTimeoutMs: 30_000 }))
    await limitRecordBatchBytes(admin, "sendto", 4096).finally(() => admin.disconnect())
  }, 240_000)
  afterAll(() => env?.dispose(), 60_000)

  test("after a batch refused on one partition, a 202 on another partition of that request is in sendto", async () => {
    const batch = await post("/v1/batches", { requests: [...Array.from({ length: 40 }, () => sendfrom("rewind-big", "0.001")), sendfrom("rewind-small", "0.002")] })
    expect(batch.status).toBe(503)
    expect(batch.body.error).toBe("kafka_ambiguous")
    const ids = (batch.body.ambiguous_ids ?? []) as string[]
    expect(ids.length).toBe(41)
    const smallInBatch = ids.at(-1)

    // The failed send turns the producer's readiness check until the next metadata probe
    // (1 s): the intake refuses up front ("NOT accepted", nothing sent) until then.
    const refusedFirst: string[] = []
    let single = await post("/v1/requests", sendfrom("rewind-small", "0.003"))
    for (const until = Date.now() + 15_000; single.status === 503 && single.body.error !== "kafka_ambiguous" && Date.now() < until; ) {
      refusedFirst.push(String(single.body.error))
      await Bun.sleep(250)
      single = await post("/v1/requests", sendfrom("rewind-small", "0.003"))
    }
    expect(single.status).toBe(202)

    const records = await sendto()
    console.log(`[intake-rewind] batch: ${batch.status} ${String(batch.body.error)} (${String(batch.body.message)}); then ${JSON.stringify(refusedFirst)} and ${single.status} for ${String(single.body.id)}; sendto holds ${JSON.stringify(records, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}`)
    // The batch's rewind-small request was written (partition 1) though the batch was refused:
    // the condition for the rewind.
    expect(records.filter((r) => r.id === smallInBatch).map((r) => r.partition)).toEqual([1])
    expect(records.some((r) => r.partition === 0)).toBe(false)
    // Accepted means durable: the 202's request is in sendto.
    expect(records.filter((r) => r.id === single.body.id).map((r) => r.partition)).toEqual([1])
  }, 120_000)
})
