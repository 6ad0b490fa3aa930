import { describe, expect, test } from "bun:test"
import { cancelRecordId } from "../../domain/status-record.ts"
import type { StatusRecord } from "../../domain/status.ts"
import { ownerOf } from "../../domain/owner.ts"
import { openStatusStore } from "../../status/store.ts"
import { intakeHarness, testApiKey } from "../intake-harness.fixture.ts"

const rec = (id: string, chain: "bitcoin" | "ethereum", status: StatusRecord["status"], extra: Partial<StatusRecord> = {}): StatusRecord => ({ id, status, chain, sender: "s", partition: 1, at: 5, ...extra })

const setup = (requestCancel?: (r: StatusRecord) => Promise<void>) => {
  const status = openStatusStore()
  const written: StatusRecord[] = []
  const h = intakeHarness({
    status,
    requestCancel: requestCancel ?? (async (r) => {
      written.push(r)
      status.apply(r)
    }),
    limits: { maxBodyBytes: 1_000_000, maxBatchItems: 10_000, retryAfterS: 2, backlogBreaker: 1000, acceptTimeoutMs: 200 },
  })
  const del = (id: string) => h.app.request(`/v1/requests/${id}`, { method: "DELETE", headers: { authorization: `Bearer ${testApiKey}` } })
  return { h, status, written, del }
}

describe("DELETE /v1/requests/{id}", () => {
  test("an accepted request: 202, one cancel record written; a repeat is a replay and writes nothing", async () => {
    const { status, written, del } = setup()
    status.apply(rec("r1", "ethereum", "accepted"))
    const first = await del("r1")
    expect(first.status).toBe(202)
    expect(await first.json()).toMatchObject({ id: "r1", status: "accepted", cancel: "requested" })
    expect(written).toEqual([expect.objectContaining({ id: cancelRecordId("r1"), kind: "cancel", target: "r1", partition: 1, chain: "ethereum" })])
    const again = await del("r1")
    expect(again.status).toBe(202)
    expect(await again.json()).toMatchObject({ replayed: true })
    expect(written.length).toBe(1)
  })

  test("a signed Ethereum transaction can still be cancelled (replaced at its nonce)", async () => {
    const { status, del } = setup()
    status.apply(rec("r2", "ethereum", "submitted", { txid: "0xa", raw_tx: "0x02", rev: 2 }))
    const res = await del("r2")
    expect(res.status).toBe(202)
    expect(String(((await res.json()) as { next: string }).next)).toContain("zero-value self-transfer")
  })

  const refusals: ReadonlyArray<[string, StatusRecord | undefined, number, string]> = [
    ["a Bitcoin payment already broadcast", rec("r3", "bitcoin", "submitted", { txid: "b1" }), 409, "cannot be called back"],
    ["a confirmed request", rec("r3", "ethereum", "confirmed"), 409, "already confirmed"],
    ["an unknown id", undefined, 404, "no request with id"],
    ["an executor record, not a request", rec("r3", "ethereum", "signed", { kind: "filler" }), 404, "no request with id"],
  ]
  for (const [name, record, code, text] of refusals) {
    test(`refuses ${name} with ${code}, writing nothing`, async () => {
      const { status, written, del } = setup()
      if (record !== undefined) status.apply(record)
      const res = await del("r3")
      expect(res.status).toBe(code)
      expect(String(((await res.json()) as { message: string }).message)).toContain(text)
      expect(written.length).toBe(0)
    })
  }

  test("Kafka refusing the cancel: 503, nothing recorded; no ack in time: 503 kafka_ambiguous", async () => {
    const refused = setup(async () => {
      throw new Error("no brokers")
    })
    refused.status.apply(rec("r4", "ethereum", "accepted"))
    const a = await refused.del("r4")
    expect([a.status, ((await a.json()) as { error: string }).error]).toEqual([503, "kafka_unavailable"])
    expect(refused.status.get(cancelRecordId("r4"))).toBeUndefined()
    const hung = setup(() => new Promise<void>(() => undefined))
    hung.status.apply(rec("r5", "ethereum", "accepted"))
    const b = await hung.del("r5")
    expect([b.status, ((await b.json()) as { error: string }).error]).toEqual([503, "kafka_ambiguous"])
  })

  test("the request's status then says when the cancel was asked for", async () => {
    const { h, status, del } = setup()
    status.apply(rec("r6", "ethereum", "accepted"))
    await del("r6")
    expect(await (await h.get("/v1/requests/r6")).json()).toMatchObject({ id: "r6", cancel_requested_at: expect.any(String) })
  })
})

describe("a key sees and cancels only its own requests", () => {
  test("another key's request is unknown to GET, the list, the batch and DELETE; an older record without an owner stays visible", async () => {
    const status = openStatusStore()
    const h = intakeHarness({ status, apiKeys: new Set([testApiKey, "other-key"]), requestCancel: async (r) => status.apply(r) })
    const mine = ownerOf(testApiKey)
    status.apply(rec("own", "ethereum", "accepted", { owner: mine, batch_id: "b-own" }))
    status.apply(rec("theirs", "ethereum", "accepted", { owner: ownerOf("other-key"), batch_id: "b-theirs" }))
    status.apply(rec("legacy", "ethereum", "accepted"))
    const as = (key: string, path: string, method = "GET") => h.app.request(path, { method, headers: { authorization: `Bearer ${key}` } })
    expect((await as(testApiKey, "/v1/requests/own")).status).toBe(200)
    expect((await as(testApiKey, "/v1/requests/theirs")).status).toBe(404)
    expect((await as(testApiKey, "/v1/requests/legacy")).status).toBe(200)
    expect((await as(testApiKey, "/v1/batches/b-theirs")).status).toBe(404)
    expect((await as("other-key", "/v1/batches/b-theirs")).status).toBe(200)
    const listed = (await (await as(testApiKey, "/v1/requests")).json()) as { requests: Array<{ id: string }> }
    expect(listed.requests.map((r) => r.id).sort()).toEqual(["legacy", "own"])
    expect((await as(testApiKey, "/v1/requests/theirs", "DELETE")).status).toBe(404)
    expect(status.get(cancelRecordId("theirs"))).toBeUndefined()
    expect((await as("other-key", "/v1/requests/theirs", "DELETE")).status).toBe(202)
  })
})
