import { describe, expect, test } from "bun:test"
import { partitionBacklogOf } from "./backlog.ts"

describe("partitionBacklogOf", () => {
  const cases = [
    {
      name: "committed partitions count from the committed offset",
      ends: [{ partition: 1, high: "10", low: "0" }, { partition: 0, high: "7", low: "0" }],
      committed: [{ partition: 0, offset: "7" }, { partition: 1, offset: "4" }],
      want: [{ partition: 0, end: 7, committed: 7, backlog: 0 }, { partition: 1, end: 10, committed: 4, backlog: 6 }],
    },
    {
      name: "a partition with nothing committed counts from the log start",
      ends: [{ partition: 0, high: "12", low: "5" }],
      committed: [{ partition: 0, offset: "-1" }],
      want: [{ partition: 0, end: 12, committed: -1, backlog: 7 }],
    },
    {
      name: "a partition the group never heard of counts from the log start",
      ends: [{ partition: 2, high: "3", low: "0" }],
      committed: [],
      want: [{ partition: 2, end: 3, committed: -1, backlog: 3 }],
    },
  ]
  for (const c of cases) test(c.name, () => expect(partitionBacklogOf(c.ends, c.committed)).toEqual(c.want))
})
