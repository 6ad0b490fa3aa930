/**
 * The intake's validation table: each malformed body, sent through the real app, must get
 * the status code, field and rule listed here, and must never reach `publish`.
 */
import { describe, expect, test } from "bun:test"
import { intakeHarness } from "./intake-harness.fixture.ts"
import { bodies, malformedRequests as single, type Case } from "./malformed-cases.fixture.ts"

const { send, sendfrom, transfer, call, btc, eth, without, manyOutputs, sim, other } = bodies

describe("POST /v1/requests refuses, naming the field and rule, and publishes nothing", () => {
  test("the table is big enough", () => expect(single.length).toBeGreaterThanOrEqual(50))
  test("a body nested 100,000 deep (it answered 500 once) gets a 400 naming the depth limit", async () => {
    const h = intakeHarness()
    const res = await h.post("/v1/requests", `${"[".repeat(100_000)}${"]".repeat(100_000)}`)
    const json = (await res.json()) as { error: string; field: string; rule: string }
    expect([res.status, json.error, json.field, json.rule]).toEqual([400, "invalid_request", "body", "nesting depth at most 32"])
    expect(h.published).toHaveLength(0)
  })
  for (const [name, body, field, rule] of single) {
    test(name, async () => {
      const h = intakeHarness()
      const res = await h.post("/v1/requests", body)
      const json = (await res.json()) as { error: string; field: string; rule: string; message: string }
      expect(res.status).toBe(400)
      expect({ error: json.error, field: json.field, rule: json.rule }).toEqual({ error: "invalid_request", field, rule })
      expect(json.message.startsWith(`${field}: `)).toBe(true)
      expect(h.published).toEqual([])
    })
  }
  test("the message shows the value, as in the brief's example", async () => {
    const h = intakeHarness()
    const res = await h.post("/v1/requests", send({ amount: "0.123456789" }))
    expect(await res.json()).toMatchObject({
      error: "invalid_request",
      message: 'params.amount: must have at most 8 decimal places; got "0.123456789"',
      field: "params.amount",
      rule: "max 8 decimal places",
    })
  })
  test("a duplicate JSON key in sendmany amounts is refused, not silently dropped", async () => {
    const h = intakeHarness()
    const text = `{"chain":"bitcoin","method":"sendmany","params":{"account":"p","amounts":{"${sim.p2wpkh}":"1","${sim.p2wpkh}":"2"}}}`
    const res = await h.post("/v1/requests", text)
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ field: "params.amounts", rule: "no duplicate keys" })
    expect(h.published).toEqual([])
  })
  test("several problems are all listed", async () => {
    const h = intakeHarness()
    const res = await h.post("/v1/requests", sendfrom({ account: "", amount: "0", minconf: -2 }))
    const json = (await res.json()) as { errors: { field: string; rule: string }[] }
    expect(json.errors.map((e) => [e.field, e.rule])).toEqual([
      ["params.account", "non-empty"],
      ["params.amount", "greater than 0"],
      ["params.minconf", "integer >= 0"],
    ])
  })
})

describe("POST /v1/batches is all or nothing", () => {
  const cases: readonly Case[] = [
    ["no requests", { requests: [] }, "requests", "1 to 5 items"],
    ["too many requests", { requests: Array.from({ length: 6 }, () => send({})) }, "requests", "1 to 5 items"],
    ["requests not an array", { requests: send({}) }, "requests", "array"],
    ["requests missing", {}, "requests", "required"],
    ["unknown batch field", { requests: [send({})], mode: "fast" }, "mode", "unknown field"],
    ["one bad item among good ones", { requests: [send({}), send({ amount: "0.123456789" }), send({})] }, "requests[1].params.amount", "max 8 decimal places"],
    ["a bad item that is not an object", { requests: [send({}), 3] }, "requests[1]", "object"],
  ]
  for (const [name, body, field, rule] of cases) {
    test(name, async () => {
      const h = intakeHarness({ limits: { maxBodyBytes: 1_000_000, maxBatchItems: 5, retryAfterS: 2, backlogBreaker: 1000, acceptTimeoutMs: 10_000 } })
      const res = await h.post("/v1/batches", body)
      const json = (await res.json()) as { error: string; message: string; errors: { field: string; rule: string }[] }
      expect(res.status).toBe(400)
      expect(json.error).toBe("invalid_request")
      expect(json.errors.map((e) => ({ field: e.field, rule: e.rule }))).toContainEqual({ field, rule })
      expect(h.published).toEqual([])
    })
  }
  test("every bad item is listed, with its index", async () => {
    const h = intakeHarness()
    const requests = Array.from({ length: 20 }, (_, i) => (i === 3 || i === 17 ? send({ amount: "-1" }) : send({})))
    requests[9] = transfer({ to: other.p2wpkh })
    const res = await h.post("/v1/batches", { requests })
    const json = (await res.json()) as { message: string; errors: { field: string }[] }
    expect(res.status).toBe(400)
    expect(json.errors.map((e) => e.field)).toEqual(["requests[3].params.amount", "requests[9].params.to", "requests[17].params.amount"])
    expect(json.message).toStartWith("3 of 20 request(s) are invalid; nothing was accepted")
    expect(h.published).toEqual([])
  })
})
