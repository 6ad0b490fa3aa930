import { describe, expect, test } from "bun:test"
import type { RequestStatus } from "../domain/status.ts"
import { makeStatusSeries, type StatusSample } from "./status-series.ts"

const counts = (confirmed: number): Record<RequestStatus, number> => ({ accepted: 0, intent: 0, signed: 0, submitted: 0, confirmed, failed: 0, dlq: 0, cancelled: 0 })
const at = (ms: number, confirmed = ms): StatusSample => ({ at: ms, counts: counts(confirmed) })

describe("status series", () => {
  const cases: ReadonlyArray<{ name: string; capacity: number; add: readonly StatusSample[]; want: readonly number[] }> = [
    { name: "empty", capacity: 3, add: [], want: [] },
    { name: "under capacity keeps every sample, oldest first", capacity: 3, add: [at(1), at(2)], want: [1, 2] },
    { name: "at capacity the oldest goes", capacity: 3, add: [at(1), at(2), at(3), at(4), at(5)], want: [3, 4, 5] },
    { name: "wraps many times", capacity: 2, add: Array.from({ length: 9 }, (_, i) => at(i + 1)), want: [8, 9] },
    { name: "a sample not later than the last replaces it", capacity: 3, add: [at(1), at(5), at(4, 40)], want: [1, 5] },
  ]
  for (const c of cases) {
    test(c.name, () => {
      const s = makeStatusSeries(c.capacity)
      for (const sample of c.add) s.add(sample)
      expect(s.samples().map((x) => x.at)).toEqual([...c.want])
    })
  }

  test("a replaced sample keeps its time and takes the new counts", () => {
    const s = makeStatusSeries(3)
    s.add(at(5))
    s.add(at(4, 40))
    expect(s.samples()).toEqual([{ at: 5, counts: counts(40) }])
  })

  test("refuses a capacity below one", () => expect(() => makeStatusSeries(0)).toThrow(RangeError))
})
