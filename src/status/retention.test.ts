import { expect, test } from "bun:test"
import { expiryCutoff, retentionRefusal } from "./retention.ts"

const day = 86_400_000

test.each([
  ["sendto keeps 7 days, records 30", 30, 7 * day, undefined],
  ["sendto keeps 7 days, records 7", 7, 7 * day, "not less than [status].retention_days (7)"],
  ["sendto keeps 7 days, records 3", 3, 7 * day, "keeps messages for 7.0 days"],
  ["sendto keeps everything", 30, -1, "keeps its messages for good"],
  ["sendto's retention unknown", 30, undefined, "could not be read"],
] as const)("%s", (_, days, retentionMs, refusal) => {
  const answer = retentionRefusal(days, "sendto", retentionMs)
  if (refusal === undefined) expect(answer).toBeUndefined()
  else expect(answer).toContain(refusal)
})

test("the cutoff is retention_days before now", () => {
  expect(expiryCutoff(100 * day, 30)).toBe(70 * day)
})
