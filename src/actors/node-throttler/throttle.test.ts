import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import type { NodeConfig } from "../../config/node-config.ts"
import { NodeOverloaded, NodeUnreachable } from "../../adapters/errors.ts"
import type { NodeClient } from "./node-client.ts"
import { makeThrottle } from "./throttle.ts"

const node: NodeConfig = {
  name: "n1", chain: "bitcoin", url: "http://127.0.0.1:1", max_in_flight: 3, max_rps: 100_000, adaptive: false,
  timeout_ms: 1000, breaker_failures: 2, breaker_reset_ms: 1000,
}

/** A fake node (pure-logic unit test) whose calls finish when the test says so. */
const fakeClient = (behaviour: (n: number) => Effect.Effect<unknown, NodeOverloaded | NodeUnreachable>) => {
  let n = 0
  let concurrent = 0
  let peak = 0
  const client: NodeClient = {
    name: "n1", chain: "bitcoin", probe: Effect.succeed(1), close: Effect.void,
    call: () => Effect.suspend(() => {
      concurrent += 1
      peak = Math.max(peak, concurrent)
      return behaviour(n++).pipe(Effect.ensuring(Effect.sync(() => { concurrent -= 1 })))
    }),
    batch: (calls) => Effect.succeed(calls.map(() => ({ ok: true as const, result: null }))),
  }
  return { client, peak: () => peak }
}

describe("throttle", () => {
  test("never lets more than max_in_flight calls reach the node", async () => {
    const t = makeThrottle(node)
    const fake = fakeClient(() => Effect.sleep(5).pipe(Effect.as("ok")))
    t.attach(fake.client)
    await Effect.runPromise(Effect.all(Array.from({ length: 30 }, () => t.call("x")), { concurrency: "unbounded" }))
    expect(fake.peak()).toBe(3)
    expect(t.snapshot().peakInFlight).toBe(3)
    expect(t.snapshot().calls).toBe(30)
    expect(t.snapshot().inFlight).toBe(0)
  })

  test("health probes share the in-flight cap with calls", async () => {
    const t = makeThrottle(node)
    const fake = fakeClient(() => Effect.sleep(5).pipe(Effect.as("ok")))
    t.attach(fake.client)
    const probe = fake.client.call("probe").pipe(Effect.asVoid)
    await Effect.runPromise(
      Effect.all([...Array.from({ length: 12 }, () => t.call("x")), ...Array.from({ length: 6 }, () => t.withPermit(probe))], { concurrency: "unbounded" }),
    )
    expect(fake.peak()).toBe(3)
  })

  test("opens the breaker after consecutive transport failures and then refuses calls", async () => {
    const t = makeThrottle(node)
    t.attach(fakeClient(() => Effect.fail(new NodeUnreachable({ node: "n1", method: "x", detail: "refused" }))).client)
    await Effect.runPromise(Effect.exit(t.call("x")))
    expect(t.available()).toBe(true)
    await Effect.runPromise(Effect.exit(t.call("x")))
    expect(t.snapshot().breaker).toBe("open")
    expect(t.available()).toBe(false)
    const exit = await Effect.runPromise(Effect.exit(t.call("x")))
    expect(JSON.stringify(exit)).toContain("CircuitOpen")
  })

  test("in adaptive mode an overload answer halves the cap", async () => {
    const t = makeThrottle({ ...node, adaptive: true, max_in_flight: 8 })
    t.attach(fakeClient(() => Effect.fail(new NodeOverloaded({ node: "n1", method: "x", detail: "Work queue depth exceeded" }))).client)
    await Effect.runPromise(Effect.exit(t.call("x")))
    expect(t.snapshot().limit).toBe(4)
    expect(t.snapshot().overloads).toBe(1)
  })

  test("refuses calls until a client is attached", async () => {
    const t = makeThrottle(node)
    expect(t.available()).toBe(false)
    const exit = await Effect.runPromise(Effect.exit(t.call("x")))
    expect(JSON.stringify(exit)).toContain("CircuitOpen")
  })

  /**
   * A fake node whose calls finish only when the test says, oldest first: the order in
   * which queued calls start then depends on the throttle alone, not on timers.
   */
  const gatedClient = () => {
    const started: string[] = []
    const open: Array<() => void> = []
    let reads = 0
    let readPeak = 0
    const client: NodeClient = {
      name: "n1", chain: "bitcoin", probe: Effect.succeed(1), close: Effect.void,
      batch: (calls) => Effect.succeed(calls.map(() => ({ ok: true as const, result: null }))),
      call: (method) => Effect.callback<unknown>((resume) => {
        started.push(method)
        if (method === "read") readPeak = Math.max(readPeak, ++reads)
        open.push(() => {
          if (method === "read") reads -= 1
          resume(Effect.succeed(null))
        })
      }),
    }
    /** Lets every call run to the end, one at a time, each after the queue has moved. */
    const drain = async (running: Promise<unknown>) => {
      await Bun.sleep(5)
      while (open.length > 0) {
        ;(open.shift() as () => void)()
        await Bun.sleep(1)
      }
      await running
    }
    return { client, started, drain, readPeak: () => readPeak }
  }

  test("client reads hold at most half the cap, and while writes queue they get one permit in four", async () => {
    const t = makeThrottle({ ...node, max_in_flight: 4 })
    const fake = gatedClient()
    t.attach(fake.client)
    const writes = Array.from({ length: 8 }, () => t.call("write"))
    const readCalls = Array.from({ length: 6 }, () => t.callRead("read"))
    await fake.drain(Effect.runPromise(Effect.all([...writes, ...readCalls], { concurrency: "unbounded" })))
    // 4 writes take the cap; of the queue, 3 writes go first, then a read, then the last write, then the reads.
    expect(fake.started).toEqual(["write", "write", "write", "write", "write", "write", "write", "read", "write", "read", "read", "read", "read", "read"])
    expect(fake.readPeak()).toBe(2)
    expect(t.snapshot().peakInFlight).toBe(4)
    expect(t.snapshot().readsInFlight).toBe(0)
  })

  test("callFirst goes ahead of the writes waiting for the cap, and stays within it", async () => {
    const t = makeThrottle({ ...node, max_in_flight: 1 })
    const fake = gatedClient()
    t.attach(fake.client)
    await fake.drain(Effect.runPromise(Effect.all([t.call("w1"), t.call("w2"), t.call("w3"), t.callFirst("head")], { concurrency: "unbounded" })))
    expect(fake.started).toEqual(["w1", "head", "w2", "w3"])
    expect(t.snapshot().peakInFlight).toBe(1)
  })
})
