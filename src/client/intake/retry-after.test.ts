import { expect, test } from "bun:test"
import { retryAfterMs } from "./retry-after.ts"

const now = Date.parse("2026-12-05T10:00:00Z")
const cases: ReadonlyArray<[string | null, number | undefined]> = [
  ["2", 2000],
  [" 0 ", 0],
  ["Sat, 05 Dec 2026 10:00:03 GMT", 3000],
  ["Sat, 05 Dec 2026 09:59:00 GMT", 0],
  ["soon", undefined],
  ["-1", undefined],
  [null, undefined],
]
for (const [header, expected] of cases) {
  test(`Retry-After ${JSON.stringify(header)} → ${expected} ms`, () => expect(retryAfterMs(header, now)).toBe(expected))
}
