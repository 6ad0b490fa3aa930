import { afterEach, describe, expect, test } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { RequestStatus, StatusRecord } from "../domain/status.ts"
import { openStatusStore, type StatusStore } from "./status-store.ts"

const rec = (id: string, status: RequestStatus, at: number, extra: Partial<StatusRecord> = {}): StatusRecord => ({
  id,
  status,
  at,
  chain: "bitcoin",
  sender: "default",
  partition: 3,
  ...extra,
})

let store: StatusStore
afterEach(() => store.close())

describe("apply / get", () => {
  test("stores and returns a record; unknown ids are undefined", () => {
    store = openStatusStore()
    const r = rec("a", "accepted", 1, { body_hash: "h1", batch_id: "b" })
    store.apply(r)
    expect(store.get("a")).toEqual(r)
    expect(store.get("nope")).toBeUndefined()
  })
  test("a later record replaces an earlier one; an older one does not", () => {
    store = openStatusStore()
    store.apply(rec("a", "accepted", 1))
    store.apply(rec("a", "submitted", 5, { txid: "t" }))
    store.apply(rec("a", "intent", 3))
    expect(store.get("a")).toMatchObject({ status: "submitted", at: 5, txid: "t" })
  })
  test("a final status is never moved back to a non-final one, even by a later record", () => {
    store = openStatusStore()
    store.apply(rec("a", "confirmed", 10))
    store.apply(rec("a", "submitted", 20))
    expect(store.get("a")?.status).toBe("confirmed")
  })
  test("a later `accepted` (a republished duplicate) does not undo progress", () => {
    store = openStatusStore()
    store.apply(rec("a", "accepted", 1))
    store.apply(rec("a", "submitted", 2, { txid: "t" }))
    store.apply(rec("a", "accepted", 3))
    expect(store.get("a")).toMatchObject({ status: "submitted", txid: "t" })
  })
  test("a later non-final stage may follow another (e.g. re-signed after a drop)", () => {
    store = openStatusStore()
    store.apply(rec("a", "submitted", 2))
    store.apply(rec("a", "signed", 3))
    expect(store.get("a")?.status).toBe("signed")
  })
  test("a later final record may replace an earlier final one", () => {
    store = openStatusStore()
    store.apply(rec("a", "confirmed", 10))
    store.apply(rec("a", "failed", 20, { reason: "reorg" }))
    expect(store.get("a")).toMatchObject({ status: "failed", reason: "reorg" })
  })
  test("on equal `at`, the status further along wins, in either arrival order", () => {
    store = openStatusStore()
    store.apply(rec("a", "signed", 7))
    store.apply(rec("a", "intent", 7))
    store.apply(rec("b", "intent", 7))
    store.apply(rec("b", "signed", 7))
    expect([store.get("a")?.status, store.get("b")?.status]).toEqual(["signed", "signed"])
  })
  test("batch_id and body_hash survive a later record that omits them", () => {
    store = openStatusStore()
    store.apply(rec("a", "accepted", 1, { batch_id: "b1", body_hash: "h" }))
    store.apply(rec("a", "submitted", 2))
    expect(store.get("a")).toMatchObject({ status: "submitted", batch_id: "b1", body_hash: "h" })
    expect(store.batch("b1")?.ids).toEqual(["a"])
  })
  test("an out-of-order older record still fills a missing body_hash", () => {
    store = openStatusStore()
    store.apply(rec("a", "submitted", 2))
    store.apply(rec("a", "accepted", 1, { body_hash: "h" }))
    expect(store.get("a")).toMatchObject({ status: "submitted", body_hash: "h" })
  })
})

describe("batch / countByStatus / applyMany", () => {
  test("counts per status and pages of ids, optionally by status", () => {
    store = openStatusStore()
    const statuses: RequestStatus[] = ["accepted", "confirmed", "confirmed", "failed", "submitted"]
    store.applyMany(statuses.map((s, i) => rec(`id-${i}`, s, i, { batch_id: "b" })))
    store.apply(rec("other", "accepted", 1, { batch_id: "c" }))
    const b = store.batch("b")
    expect(b?.total).toBe(5)
    expect(b?.counts).toEqual({ accepted: 1, intent: 0, signed: 0, submitted: 1, confirmed: 2, failed: 1, dlq: 0 })
    expect(b?.ids).toEqual(["id-0", "id-1", "id-2", "id-3", "id-4"])
    expect(store.batch("b", { offset: 1, limit: 2 })?.ids).toEqual(["id-1", "id-2"])
    expect(store.batch("b", { offset: 0, limit: 10, status: "confirmed" })?.ids).toEqual(["id-1", "id-2"])
    expect(store.batch("missing")).toBeUndefined()
    expect(store.countByStatus()).toEqual({ accepted: 2, intent: 0, signed: 0, submitted: 1, confirmed: 2, failed: 1, dlq: 0 })
  })
  test("applyMany applies 20,000 records quickly and in order", () => {
    store = openStatusStore()
    const records = Array.from({ length: 20_000 }, (_, i) => rec(`id-${i % 10_000}`, i < 10_000 ? "accepted" : "submitted", i))
    const started = performance.now()
    store.applyMany(records)
    const ms = performance.now() - started
    expect(store.countByStatus().submitted).toBe(10_000)
    expect(ms).toBeLessThan(2000)
  })
})

describe("a file-backed store", () => {
  test("keeps its records across a reopen", () => {
    const dir = mkdtempSync(join(tmpdir(), "status-store-"))
    try {
      const path = join(dir, "status.sqlite")
      store = openStatusStore(path)
      store.apply(rec("a", "confirmed", 1))
      store.close()
      store = openStatusStore(path)
      expect(store.get("a")?.status).toBe("confirmed")
    } finally {
      store.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe("revisions", () => {
  const base = { id: "r", chain: "ethereum" as const, sender: "0xa", partition: 0 }
  test("a higher revision replaces a final status (a reorg moves confirmed back to submitted)", () => {
    const store = openStatusStore()
    store.apply({ ...base, status: "confirmed", at: 10, rev: 3 })
    store.apply({ ...base, status: "submitted", at: 11, rev: 4 })
    expect(store.get("r")?.status).toBe("submitted")
  })
  test("a lower revision never replaces a higher one, whatever its time", () => {
    const store = openStatusStore()
    store.apply({ ...base, status: "submitted", at: 10, rev: 4 })
    store.apply({ ...base, status: "confirmed", at: 99, rev: 3 })
    expect(store.get("r")?.status).toBe("submitted")
  })
  test("the intake's accepted record (no revision) never replaces an executor's", () => {
    const store = openStatusStore()
    store.apply({ ...base, status: "signed", at: 10, rev: 1 })
    store.apply({ ...base, status: "accepted", at: 20 })
    expect(store.get("r")?.status).toBe("signed")
  })
})
