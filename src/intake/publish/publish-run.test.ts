import { describe, expect, test } from "bun:test"
import type { QueuedRequest } from "../../domain/request.ts"
import { Withdrawn } from "../../kafka/group-commit.ts"
import { heldPublish } from "./held-publish.fixture.ts"
import { type Publish, startPublishRun, verdictWithin } from "./publish-run.ts"

const requests = (n: number): QueuedRequest[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `id-${i}`,
    sender: "default",
    body: { chain: "bitcoin", method: "sendtoaddress", params: { address: "a", amount: "1" } },
    accepted_at: 0,
    body_hash: "h",
  }))

/** A publish that settles at once: the `n`th call (1-based) fails with `cause`. */
const failing = (n: number, cause: unknown) => {
  const calls: string[][] = []
  const publish: Publish = async (rs) => {
    calls.push(rs.map((r) => r.id))
    if (calls.length === n) throw cause
  }
  return { publish, calls }
}

describe("startPublishRun settles with what became of each request", () => {
  const cases: ReadonlyArray<readonly [string, number, unknown, unknown, number]> = [
    ["every chunk acked", 0, undefined, { _tag: "acked" }, 3],
    ["the second chunk withdrawn before its send: the first acked, the rest not sent", 2, new Withdrawn({ items: 2 }), { _tag: "not-sent", acked: 2 }, 2],
    ["the second chunk failed after its send: it may have been accepted, the third was never sent", 2, new Error("broker down"), { _tag: "ambiguous", acked: 2, unsure: 2, why: "Kafka refused it after it was sent: broker down" }, 2],
  ]
  test.each(cases)("%s", async (_, failAt, cause, verdict, callsMade) => {
    const f = failing(failAt, cause)
    const run = startPublishRun(f.publish, requests(5), 2)
    expect(await run.settled).toEqual(verdict as never)
    expect(f.calls).toHaveLength(callsMade)
    expect(f.calls[0]).toEqual(["id-0", "id-1"])
  })
})

describe("verdictWithin: the answer at the deadline", () => {
  test("acked in time: acked", async () => {
    const held = heldPublish()
    const run = startPublishRun(held.publish, requests(1), 1)
    const verdict = verdictWithin(run, 1000, true)
    held.calls[0]?.ack()
    expect(await verdict).toEqual({ _tag: "acked" })
  })

  test("the owner's deadline takes back a chunk still queued: not sent, and nothing is sent later", async () => {
    const held = heldPublish({ inKafka: false })
    const run = startPublishRun(held.publish, requests(3), 2)
    held.calls[0]?.ack()
    expect(await verdictWithin(run, 20, true)).toEqual({ _tag: "not-sent", acked: 2 })
    expect(held.calls[1]?.signal.aborted).toBe(true)
    expect(await run.settled).toEqual({ _tag: "not-sent", acked: 2 })
    expect(held.calls).toHaveLength(2)
  })

  test("a chunk in Kafka's hands at the owner's deadline: it may have been accepted; later chunks never start, and the run settles when Kafka answers", async () => {
    const held = heldPublish({ inKafka: true })
    const run = startPublishRun(held.publish, requests(5), 2)
    held.calls[0]?.ack()
    expect(await verdictWithin(run, 20, true)).toEqual({ _tag: "ambiguous", acked: 2, unsure: 2, why: "Kafka did not ack within 20 ms" })
    held.calls[1]?.ack()
    expect(await run.settled).toEqual({ _tag: "not-sent", acked: 4 })
    expect(held.calls).toHaveLength(2)
  })

  test("a repeat's deadline does not stop the owner's run: all it has not seen acked may still be sent", async () => {
    const held = heldPublish({ inKafka: true })
    const run = startPublishRun(held.publish, requests(5), 2)
    expect(await verdictWithin(run, 20, false)).toEqual({ _tag: "ambiguous", acked: 0, unsure: 5, why: "Kafka did not ack within 20 ms" })
    held.ackAll()
    expect(await run.settled).toEqual({ _tag: "acked" })
    expect(held.calls).toHaveLength(3)
  })
})
