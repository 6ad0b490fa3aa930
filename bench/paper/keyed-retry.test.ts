import { describe, expect, test } from "bun:test"
import type { Answer } from "../intake/intake-client.ts"
import { acknowledges, answerLabel, postUntilAcknowledged, type RetryClock, retriable } from "./keyed-retry.ts"

/** A clock that only moves when the loop sleeps (and by `perPostMs` for each answer). */
const fakeClock = () => {
  let t = 1_000
  const sleeps: Array<number> = []
  const clock: RetryClock = {
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms)
      t += ms
    },
  }
  return { clock, sleeps, advance: (ms: number) => (t += ms) }
}

const busy: Answer = { status: 503, text: '{"error":"kafka_unavailable","message":"NOT accepted"}' }
const accepted: Answer = { status: 202, text: '{"id":"r1","status":"accepted"}' }
const policy = { firstBackoffMs: 250, maxBackoffMs: 2000, deadlineMs: 120_000 }

describe("postUntilAcknowledged", () => {
  test("202 after two 503s: one acknowledgement, three attempts, the same key on every one, backoff doubling", async () => {
    const { clock, sleeps } = fakeClock()
    const answers = [busy, busy, accepted]
    const keys: Array<string> = []
    const outcome = await postUntilAcknowledged(async (key) => {
      keys.push(key)
      return answers.shift() ?? accepted
    }, "paper-r1-3-7", policy, clock)
    expect(outcome).toMatchObject({ key: "paper-r1-3-7", acknowledged: true })
    expect(outcome.gaveUp).toBeUndefined()
    expect(outcome.attempts.map((a) => a.answer)).toEqual(["503", "503", "202"])
    expect(keys).toEqual(["paper-r1-3-7", "paper-r1-3-7", "paper-r1-3-7"])
    expect(sleeps).toEqual([250, 500])
  })

  test("a deadline gives up and says so; no attempt starts after it; the wait is capped", async () => {
    const { clock, sleeps } = fakeClock()
    let posts = 0
    const outcome = await postUntilAcknowledged(async () => {
      posts++
      return busy
    }, "k", { firstBackoffMs: 250, maxBackoffMs: 1000, deadlineMs: 5000 }, clock)
    expect(outcome).toMatchObject({ acknowledged: false, gaveUp: "deadline", detail: "HTTP 503 kafka_unavailable" })
    expect(outcome.attempts).toHaveLength(posts)
    // 250 + 500 + 1000 × 4 = 4750; the next 1000 would start past 5000.
    expect(sleeps).toEqual([250, 500, 1000, 1000, 1000, 1000])
    expect(posts).toBe(7)
  })

  test("no answer (a timeout) is retried too, and a replayed 200 counts as the acknowledgement", async () => {
    const { clock } = fakeClock()
    const answers: Array<Answer> = [{ status: 0, text: "TimeoutError: timed out" }, { status: 200, text: '{"id":"r1","status":"accepted","replayed":true}' }]
    const outcome = await postUntilAcknowledged(async () => answers.shift() ?? busy, "k", policy, clock)
    expect(outcome.acknowledged).toBe(true)
    expect(outcome.attempts.map((a) => a.answer)).toEqual(["no answer", "200 replayed"])
  })

  test("an answer no retry can change stops at once", async () => {
    const { clock, sleeps } = fakeClock()
    const outcome = await postUntilAcknowledged(async () => ({ status: 400, text: '{"error":"invalid_request"}' }), "k", policy, clock)
    expect(outcome).toMatchObject({ acknowledged: false, gaveUp: "refused", detail: "HTTP 400 invalid_request" })
    expect(outcome.attempts).toHaveLength(1)
    expect(sleeps).toEqual([])
  })

  test("each attempt is stamped with when its answer came", async () => {
    const { clock, advance } = fakeClock()
    const answers = [busy, accepted]
    const outcome = await postUntilAcknowledged(async () => {
      advance(40)
      return answers.shift() ?? accepted
    }, "k", policy, clock)
    expect(outcome.attempts.map((a) => a.at)).toEqual([1040, 1330])
  })
})

describe("which answers are retried and which acknowledge", () => {
  test.each([
    [0, true], [503, true], [500, true], [429, true], [408, true],
    [202, false], [200, false], [400, false], [401, false], [409, false], [413, false],
  ])("status %p retriable: %p", (status, expected) => {
    expect(retriable(status)).toBe(expected)
  })

  test.each([
    [accepted, true, "202"],
    [{ status: 200, text: '{"replayed":true}' }, true, "200 replayed"],
    [{ status: 200, text: '{"id":"x"}' }, false, "200"],
    [{ status: 200, text: "not json" }, false, "200"],
    [busy, false, "503"],
  ])("%o acknowledges: %p, counted as %p", (answer, ok, label) => {
    expect(acknowledges(answer)).toBe(ok)
    expect(answerLabel(answer)).toBe(label)
  })
})
