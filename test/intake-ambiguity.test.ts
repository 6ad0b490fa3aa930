/**
 * The intake's answers when Kafka does not ack (issue 7), on a compiled producer-only
 * gateway and a private single-broker Kafka of this test's own (the shared brokers are
 * never paused). Four concurrent POSTs with one Idempotency-Key leave one record in
 * `sendto`. A POST whose send the broker never answers (the broker frozen with SIGSTOP)
 * is answered 503 kafka_ambiguous at the accept deadline, never "not accepted"; once the
 * broker resumes, the idempotent producer's send completes, a retry with the same key is
 * a 200 replay, and `sendto` still holds one copy.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { sampleAddresses } from "../src/intake/validate/sample-addresses.ts"
import { topicMessageCount } from "./support/chain-clients.ts"
import { type PrivateGateway, startPrivateGateway } from "./support/private-gateway.ts"

const apiKey = "intake-ambiguity-key"
const acceptTimeoutMs = 2_000
const pay = (amount: string) => ({ chain: "bitcoin", method: "sendtoaddress", params: { address: sampleAddresses("simnet").p2wpkh, amount } })

describe("intake answers when Kafka does not ack (private broker)", () => {
  let env: PrivateGateway | undefined

  const post = async (body: unknown, key: string) => {
    const res = await fetch(`${env?.url}/v1/requests`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json", "idempotency-key": key },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    })
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, retryAfter: res.headers.get("retry-after") }
  }
  const records = () => topicMessageCount("sendto", [env?.kafka.broker ?? ""])

  beforeAll(async () => {
    env = await startPrivateGateway({ name: "intake", roles: ["producer"], groupId: "intake-ambiguity", acceptTimeoutMs, apiKey })
  }, 240_000)
  afterAll(() => env?.dispose(), 60_000)

  test("four concurrent POSTs with one Idempotency-Key: one 202, three 200 replays, one record in sendto", async () => {
    const answers = await Promise.all([1, 2, 3, 4].map(() => post(pay("0.25"), "intake-four")))
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 202])
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1)
    expect(await records()).toBe(1)
  }, 60_000)

  test("a send the frozen broker never answers: 503 kafka_ambiguous at the deadline; after the broker resumes, the retry is a 200 replay and sendto holds one copy", async () => {
    env?.kafka.pause()
    const t0 = Date.now()
    const frozen = await post(pay("0.5"), "intake-frozen")
    const answeredAfterMs = Date.now() - t0
    expect(frozen.status).toBe(503)
    expect(frozen.body.error).toBe("kafka_ambiguous")
    expect(String(frozen.body.message)).toContain("may have been accepted")
    expect(String(frozen.body.message)).not.toContain("NOT accepted")
    expect(frozen.retryAfter).toBe("2")
    expect(answeredAfterMs).toBeGreaterThanOrEqual(acceptTimeoutMs - 50)

    env?.kafka.resume()
    const resumedAt = Date.now()
    const seen: string[] = []
    let retry = await post(pay("0.5"), "intake-frozen")
    while (retry.status !== 200 && retry.status !== 202 && Date.now() - resumedAt < 60_000) {
      seen.push(`${retry.status} ${String(retry.body.error)}`)
      await Bun.sleep(250)
      retry = await post(pay("0.5"), "intake-frozen")
    }
    expect(retry).toMatchObject({ status: 200, body: { id: frozen.body.id, status: "accepted", replayed: true } })
    expect(await records()).toBe(2)
    console.log(`[intake-ambiguity] frozen broker: 503 ${frozen.body.error} after ${answeredAfterMs} ms (${String(frozen.body.message)}); after resume: ${JSON.stringify([...new Set(seen)])} then 200 replay ${Date.now() - resumedAt} ms after the resume`)
  }, 120_000)
})
