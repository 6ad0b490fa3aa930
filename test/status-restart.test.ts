/**
 * The status store across a crash of the real binary. A producer-only gateway (no
 * consumer, so nothing but this host's own `accepted` records exist: the topic has none
 * of them) accepts requests and is SIGKILLed. Started again, it answers each request from
 * its store file the moment it is ready: never a 404 for a request it accepted. It says
 * in its log that it resumed, and takes over the lock the killed process left.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { existsSync, readdirSync, rmSync } from "node:fs"
import { join } from "node:path"
import { btc } from "./support/chain-clients.ts"
import { isolatedCopy, runTopics, stackEnv, startGateway, type GatewayProcess } from "./support/gateway-process.ts"
import { get, post } from "./support/intake-client.ts"

const intake = "http://127.0.0.1:8080"
let dir = ""
let gw: GatewayProcess | undefined

const start = async () => {
  const g = startGateway(dir, ["--config", "local.toml", "--host", "local", "--role", "producer"], stackEnv())
  await g.waitFor((l) => l.event === "gateway.ready", 90_000)
  return g
}

beforeAll(async () => {
  dir = isolatedCopy(["config/local.toml"])
})

afterAll(async () => {
  if (gw && gw.proc.exitCode === null) gw.proc.kill("SIGTERM")
  await gw?.proc.exited
  if (dir) rmSync(dir, { recursive: true, force: true })
}, 30_000)

test("after a SIGKILL, the restarted host answers every request it accepted from its store at once, and lists them", async () => {
  gw = await start()
  const address = String(await btc("getnewaddress"))
  const ids: string[] = []
  for (let i = 0; i < 20; i++) {
    const res = await post(intake, "/v1/requests", { chain: "bitcoin", method: "sendtoaddress", params: { address, amount: "0.001" } })
    expect(res.status).toBe(202)
    ids.push(((await res.json()) as { id: string }).id)
  }
  const storeDir = join(dir, ".run", "data", "local")
  const file = join(storeDir, `status-${runTopics.results}.sqlite`)
  expect(existsSync(file)).toBe(true)
  expect(existsSync(`${file}.lock`)).toBe(true)

  // A 202 means Kafka has the request; the store's own write follows on its writer thread
  // within milliseconds. Reading the last one back makes sure the kill comes after that
  // window (writes are applied in order): this test is about the restart.
  expect((await get(intake, `/v1/requests/${ids.at(-1)}`)).status).toBe(200)
  gw.proc.kill("SIGKILL")
  await gw.proc.exited
  gw = await start()
  const opened = await gw.waitFor((l) => l.event === "status-view.opened", 1000)
  expect(opened).toMatchObject({ path: `.run/data/local/status-${runTopics.results}.sqlite` })
  expect(gw.lines.some((l) => l.event === "status-view.store-taken" || l.event === "status-view.reset")).toBe(false)

  const answers = await Promise.all(ids.map((id) => get(intake, `/v1/requests/${id}`)))
  expect(answers.map((a) => [a.status, a.body.status])).toEqual(ids.map(() => [200, "accepted"]))
  expect(answers[0]?.body.history).toEqual([expect.objectContaining({ status: "accepted", rev: 0 })])

  const listed: string[] = []
  let next: string | null = "/v1/requests?status=accepted&chain=bitcoin&limit=7"
  while (next !== null) {
    const page: { status: number; body: Record<string, unknown> } = await get(intake, next)
    expect(page.status).toBe(200)
    listed.push(...(page.body.requests as Array<{ id: string }>).map((r) => r.id))
    next = (page.body.page as { next: string | null }).next
  }
  expect(listed.sort()).toEqual([...ids].sort())
  expect(readdirSync(storeDir).filter((f) => f.endsWith(".lock"))).toHaveLength(1)
}, 240_000)
