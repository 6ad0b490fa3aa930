import { expect, test } from "bun:test"
import { KafkaUnavailable } from "../adapters/errors.ts"
import { WriterMustReopen, WriterFenced } from "../adapters/kafka-transaction-errors.ts"
import { commitRefusal, newWriter, openRefusal, transition, WriterNotOpen, type WriterEvent, type WriterState } from "./writer-state.ts"

const id = "g-exec-p0"
const fenced = new WriterFenced({ transactionalId: id, detail: "INVALID_PRODUCER_EPOCH" })
const ambiguous = new WriterMustReopen({ transactionalId: id, outcome: "unknown", detail: "timed out" })
const aborted = new KafkaUnavailable({ operation: "producer.transaction", brokers: "b", detail: "NOT_ENOUGH_REPLICAS" })

const open: WriterState = { phase: "open" }
const mustReopen: WriterState = { phase: "must-reopen", error: ambiguous }
const fencedState: WriterState = { phase: "fenced", error: fenced }
const closed: WriterState = { phase: "closed" }
const opened: WriterEvent = { type: "opened" }
const failed = (error: unknown): WriterEvent => ({ type: "failed", error })

const cases: ReadonlyArray<readonly [string, WriterState, WriterEvent, WriterState]> = [
  ["new, opened", newWriter, opened, open],
  ["open, an aborted transaction leaves it open", open, failed(aborted), open],
  ["open, an ambiguous commit needs a reopen", open, failed(ambiguous), mustReopen],
  ["open, fenced", open, failed(fenced), fencedState],
  ["must-reopen, opened again", mustReopen, opened, open],
  ["must-reopen, fenced while reopening", mustReopen, failed(fenced), fencedState],
  ["fenced stays fenced when opened", fencedState, opened, fencedState],
  ["fenced stays fenced on an ambiguous error", fencedState, failed(ambiguous), fencedState],
  ["fenced, closed", fencedState, { type: "closed" }, closed],
  ["closed stays closed", closed, opened, closed],
]

for (const [name, from, event, to] of cases) {
  test(`transition: ${name}`, () => {
    expect(transition(from, event)).toEqual(to)
  })
}

test("commitRefusal: only an open writer commits; fenced and must-reopen repeat their error", () => {
  expect(commitRefusal(open, id)).toBeUndefined()
  expect(commitRefusal(fencedState, id)).toBe(fenced)
  expect(commitRefusal(mustReopen, id)).toBe(ambiguous)
  expect(commitRefusal(newWriter, id)).toBeInstanceOf(WriterNotOpen)
  expect(commitRefusal(closed, id)).toBeInstanceOf(WriterNotOpen)
})

test("openRefusal: a fenced writer never fences its successor back; a closed one is done", () => {
  expect(openRefusal(newWriter, id)).toBeUndefined()
  expect(openRefusal(mustReopen, id)).toBeUndefined()
  expect(openRefusal(open, id)).toBeUndefined()
  expect(openRefusal(fencedState, id)).toBe(fenced)
  expect(openRefusal(closed, id)).toBeInstanceOf(WriterNotOpen)
})
