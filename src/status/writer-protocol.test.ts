import { expect, test } from "bun:test"
import type { StatusRecord } from "../domain/status.ts"
import { readRecordLines, recordLines } from "./writer-protocol.ts"

test("records cross to the writer as lines of JSON and come back whole, line breaks inside their strings included", () => {
  const records: StatusRecord[] = [
    { id: "a", status: "failed", at: 1, chain: "bitcoin", sender: "default", partition: 0, reason: "first line\nsecond line" },
    { id: "b", status: "accepted", at: 2, chain: "ethereum", sender: "0xs", partition: 1 },
  ]
  const texts = records.map((r) => JSON.stringify(r))
  expect(readRecordLines(recordLines(texts))).toEqual({ records, texts })
})
