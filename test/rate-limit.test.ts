/**
 * Per-API-key rate limits on the real intake: `[intake].rate_limit_rps = 1` and
 * `rate_limit_burst = 40` across two producer hosts, so each enforces one request every 2 s with
 * bursts of 20. A key spends its burst on one host, is refused there with 429, and the
 * topic itself shows that nothing refused was published; the other key is untouched.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { topicMessageCount } from "./support/chain-clients.ts"
import { startFaultRun, type FaultRun } from "./support/fault-run.ts"
import { apiKey } from "./support/intake-client.ts"

let run: FaultRun
const otherKey = "rate-limit-test-second-key"

beforeAll(async () => {
  run = await startFaultRun({
    name: "rate-limit",
    producers: 1,
    consumers: 0,
    btcCoins: 0,
    env: { GATEWAY_API_KEYS: `${apiKey},${otherKey}` },
    edit: (toml) => {
      const text = toml
        .replace(/^accept_timeout_ms = (\d+)/m, "accept_timeout_ms = $1\nrate_limit_rps = 1\nrate_limit_burst = 40")
        // A second producer host in the config: each host's share is half the deployment's limit.
        .replace('[[hosts]]\nname = "local"', '[[hosts]]\nname = "producer-2"\naddress = "127.0.0.1"\nroles = ["producer"]\nservices = []\nnodes = []\n\n[[hosts]]\nname = "local"')
      if (!text.includes("rate_limit_rps = 1\n") || !text.includes('name = "producer-2"')) throw new Error("could not set the rate limit or add a second producer host")
      return text
    },
  })
}, 180_000)

afterAll(async () => {
  await run?.stop()
}, 120_000)

/** Messages in the run's sendto; a topic created moments ago may still be electing its leaders, so ask again. */
const published = async (): Promise<number> => {
  for (let attempt = 0; ; attempt++) {
    try {
      return await topicMessageCount(run.topics.requests)
    } catch (error) {
      if (attempt >= 20) throw error
      await Bun.sleep(500)
    }
  }
}

const transfer = (i: number) => ({ chain: "ethereum", method: "transfer", params: { from: run.senders[0], to: run.sink, value: String(1000 + i) } })
const submit = (key: string, requests: readonly unknown[]) =>
  fetch(`${run.intakes[0]}/v1/batches`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify({ requests }) })

test("a key over its host's share gets 429 with Retry-After, nothing of it is published, and other keys go on", async () => {
  const before = await published()
  const burst = await submit(apiKey, Array.from({ length: 20 }, (_, i) => transfer(i)))
  expect([burst.status, burst.headers.get("ratelimit-limit"), burst.headers.get("ratelimit-remaining")]).toEqual([202, "20", "0"])
  const over = await submit(apiKey, Array.from({ length: 5 }, (_, i) => transfer(100 + i)))
  const refusal = (await over.json()) as { error: string; message: string }
  expect([over.status, refusal.error]).toEqual([429, "rate_limited"])
  expect(Number(over.headers.get("retry-after"))).toBeGreaterThanOrEqual(1)
  const tooBig = await submit(otherKey, Array.from({ length: 21 }, (_, i) => transfer(200 + i)))
  expect(tooBig.status).toBe(429)
  expect(((await tooBig.json()) as { message: string }).message).toContain("split it into parts of at most 20")
  const other = await submit(otherKey, Array.from({ length: 3 }, (_, i) => transfer(300 + i)))
  expect(other.status).toBe(202)
  // Judged from the topic: the 20 and the 3, nothing of the refused 5 and 21.
  expect((await published()) - before).toBe(23)
  await Bun.sleep(Number(over.headers.get("retry-after")) * 1000)
  expect((await submit(apiKey, Array.from({ length: 5 }, (_, i) => transfer(400 + i)))).status).toBe(202)
}, 60_000)
