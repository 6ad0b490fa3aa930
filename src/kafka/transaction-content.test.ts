import { expect, test } from "bun:test"
import { isEmptyWrite, requestWeight, transactionContent, type CommitRequest } from "./transaction-content.ts"

const target = { partition: 3, groupId: "g", requestsTopic: "req" }
const rec = (topic: string, key: string | null, value: string) => ({ topic, key, value })

const cases: ReadonlyArray<{ name: string; requests: CommitRequest[]; topics: Array<[string, string[]]>; next: bigint | undefined }> = [
  { name: "nothing", requests: [], topics: [], next: undefined },
  { name: "an offset alone", requests: [{ records: [], nextOffset: 7n }], topics: [], next: 7n },
  {
    name: "records of two calls keep call order per topic",
    requests: [{ records: [rec("res", "a", "1"), rec("dlq", "b", "2")] }, { records: [rec("res", "c", "3")] }],
    topics: [["res", ["1", "3"]], ["dlq", ["2"]]],
    next: undefined,
  },
  {
    name: "the highest offset wins, whatever the call order",
    requests: [{ records: [], nextOffset: 12n }, { records: [rec("res", null, "x")], nextOffset: 9n }, { records: [] }],
    topics: [["res", ["x"]]],
    next: 12n,
  },
]

for (const c of cases) {
  test(`transactionContent: ${c.name}`, () => {
    const write = transactionContent(target, c.requests)
    expect(write.topicMessages.map((t) => [t.topic, t.messages.map((m) => m.value)])).toEqual(c.topics)
    expect(write.topicMessages.every((t) => t.messages.every((m) => m.partition === 3))).toBe(true)
    expect(write.offset?.next).toBe(c.next)
    if (c.next !== undefined) expect(write.offset).toEqual({ groupId: "g", topic: "req", partition: 3, next: c.next })
    expect(isEmptyWrite(write)).toBe(c.topics.length === 0 && c.next === undefined)
  })
}

test("requestWeight counts key and value bytes plus a per-record overhead", () => {
  expect(requestWeight({ records: [] })).toBe(0)
  expect(requestWeight({ records: [rec("t", "ab", "é")] })).toBe(24 + 2 + 2)
  expect(requestWeight({ records: [rec("t", null, "x")], nextOffset: 1n })).toBe(24 + 1 + 24)
})
