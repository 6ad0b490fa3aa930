/**
 * The operations page end to end, in real headless Chromium (Debian's `chromium`,
 * driven by playwright-core), against the real stack: a compiled gateway with its own
 * topics, consumer group and anvil (`startFaultRun`), one process running the producer
 * and consumer roles so its page sees its own node throttles.
 *
 * The operator opens `/ops`, enters an API key, and watches a burst of Ethereum
 * transfers, with one transfer whose value is more than its sender holds. Mining is held
 * first, so the burst visibly waits: the page shows a backlog and lists transactions
 * stuck in the pool; then blocks come and it drains. From the DOM: every partition of
 * the run's topic is listed and the backlog goes back to 0, the
 * partitions' ends add up to what Kafka holds, the eth node shows its cap, current limit
 * and latency, the chart gains samples, and the refused transfer is listed as failed
 * (the same ids `GET /v1/requests?status=failed` lists); its link opens a history that
 * ends in `failed` with the node's reason.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test"
import { join } from "node:path"
import type { Browser, Page } from "playwright-core"
import { topicMessageCount } from "./support/chain-clients.ts"
import { ethTransfers, type FaultRun, startFaultRun, submitAll, waitAllFinal } from "./support/fault-run.ts"
import { launchChromium } from "./support/headless-chromium.ts"
import { apiKey, get, post } from "./support/intake-client.ts"

setDefaultTimeout(300_000)

/** Nonces a sender may have in flight in this test (set in its config). */
const IN_FLIGHT = 64
/** Transfers per sender in the burst (four senders; a fifth sends only the refused one): more than IN_FLIGHT, so some wait while mining is held. */
const PER_SENDER = 75
/** The page's stuck threshold in this test (the default is 120 s). */
const STUCK_AFTER_S = 3
/** 10^30 wei: far more than a sender's 1,000 ether, so the node refuses it at broadcast. */
const TOO_MUCH = "1000000000000000000000000000000"

/** A value read from the page once `check` holds for it (the page updates itself; nothing reloads). */
const valueWhen = async <A>(what: string, read: () => Promise<A>, check: (a: A) => boolean, timeoutMs = 60_000): Promise<A> => {
  const deadline = Date.now() + timeoutMs
  let last: A | undefined
  while (Date.now() < deadline) {
    last = await read().catch(() => undefined)
    if (last !== undefined && check(last)) return last
    await Bun.sleep(200)
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}`)
}

const texts = (page: Page, selector: string) => page.locator(selector).allTextContents()
const numberIn = (text: string | null) => Number((text ?? "").replace(/[^0-9.]/g, ""))

describe("operations page in headless Chromium", () => {
  let run: FaultRun
  let browser: Browser
  let intake = ""
  const pageErrors: string[] = []

  beforeAll(async () => {
    run = await startFaultRun({
      name: "ops-page",
      ethSenders: 5,
      btcCoins: 0,
      producers: 1,
      consumers: 0,
      producerRoles: "producer,consumer",
      anvilMining: "auto",
      edit: (toml) => toml.replace(/max_in_flight_per_sender = \d+/, `max_in_flight_per_sender = ${IN_FLIGHT}`),
    })
    intake = run.intakes[0] ?? ""
    browser = await launchChromium()
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await run?.stop()
  }, 120_000)

  const openPage = async (path: string): Promise<Page> => {
    const page = await browser.newPage()
    page.on("pageerror", (e) => pageErrors.push(`${path}: ${e.message}`))
    await page.goto(`${intake}${path}`)
    return page
  }

  test("the backlog drains to 0, the eth node and the chart show, and the refused transfer is listed with its history", async () => {
    // Stuck after 3 s here, so the transfers held below show as stuck.
    const page = await openPage(`/ops?stuck_after_s=${STUCK_AFTER_S}`)
    await page.fill("#operator-key", apiKey)
    // Before the burst: every partition of the run's topic is listed.
    const partitions = await valueWhen("every partition listed", () => page.locator("#backlog-body tr").count(), (n) => n === 12)
    expect(partitions).toBe(12)

    // Mining held: each sender gets at most IN_FLIGHT (64) transactions into
    // the pool, so the rest of its 75 wait unfinished and the group's offset stays behind them.
    await run.eth("evm_setAutomine", [false])
    // The refused transfer comes from a sender of its own: with mining held, a refusal amid
    // the same sender's burst once left that sender's next request signed at the refused
    // nonce and never final (an executor race, reported; not what this page test judges).
    const refusedSender = run.senders.at(-1) ?? ""
    const refused = await post(intake, "/v1/requests", { chain: "ethereum", method: "transfer", params: { from: refusedSender, to: run.sink, value: TOO_MUCH } })
    expect(refused.status).toBe(202)
    const refusedId = String(((await refused.json()) as { id: string }).id)
    const ids = await submitAll(intake, ethTransfers(run, PER_SENDER).filter((t) => t.params.from !== refusedSender))
    expect(ids.length).toBe(4 * PER_SENDER)
    const all = [refusedId, ...ids]

    // The page shows the burst waiting, and the held transactions as stuck in submitted, as the status API has them.
    const backlog = await valueWhen(
      "a backlog on the page",
      () => page.evaluate(() => ({
        total: Number(document.getElementById("backlog-total")?.textContent),
        parts: Array.from(document.querySelectorAll("#backlog-body tr"), (tr) => Number(tr.getAttribute("data-backlog"))),
      })),
      (b) => b.total > 0,
    )
    // The total is the sum of the partitions' rows, and it is spread over the partitions the senders' keys fall in.
    expect(backlog.parts.reduce((a, b) => a + b, 0)).toBe(backlog.total)
    expect(backlog.parts.filter((n) => n > 0).length).toBeGreaterThanOrEqual(1)
    const waiting = backlog.total
    const stuck = await valueWhen("stuck requests on the page", () => page.locator("#stuck-body tr").evaluateAll((trs) => trs.map((tr) => ({ id: tr.getAttribute("data-id") ?? "", status: tr.getAttribute("data-status") }))), (rows) => rows.length > 0, 60_000)
    const stuckNow = (await get(intake, `/v1/requests/${stuck[0]?.id}`)).body as { status: string; at: number }
    expect(stuck[0]?.status).toBe(stuckNow.status)
    expect(["accepted", "signed", "submitted"]).toContain(stuckNow.status)
    expect(Date.now() - stuckNow.at).toBeGreaterThanOrEqual(STUCK_AFTER_S * 1000 - 1000)
    process.stderr.write(`ops-page: with mining held the page showed a backlog of ${waiting} and ${stuck.length} stuck requests\n`)

    await run.eth("evm_setAutomine", [true])
    await run.eth("evm_setIntervalMining", [1])
    expect(await waitAllFinal("ops-page", intake, all, 240_000)).toBe(true)

    // The backlog goes back to 0 on the page, and the partitions' ends add up to what Kafka holds.
    await valueWhen("the backlog total back to 0", () => page.locator("#backlog-total").textContent(), (t) => t === "0")
    const inKafka = await topicMessageCount(run.topics.requests)
    expect(inKafka).toBe(all.length)
    const ends = await valueWhen("the partitions' ends to add up to the topic", async () => {
      const rows = await page.locator("#backlog-body tr").evaluateAll((trs) => trs.map((tr) => ({ end: Number(tr.children[1]?.textContent), backlog: Number(tr.getAttribute("data-backlog")) })))
      return rows
    }, (rows) => rows.reduce((s, r) => s + r.end, 0) === inKafka)
    expect(ends.every((r) => r.backlog === 0)).toBe(true)

    // The eth node of this process: its configured cap, the limit in force, a latency once it has answered.
    const eth = page.locator('#nodes-body tr[data-chain="ethereum"]')
    expect(await eth.count()).toBeGreaterThanOrEqual(1)
    expect(await eth.first().getAttribute("data-node")).toBe("eth-1")
    expect(numberIn(await eth.first().locator("td.cap").textContent())).toBe(8)
    const limit = numberIn(await eth.first().locator("td.limit").textContent())
    expect(limit).toBeGreaterThanOrEqual(1)
    expect(limit).toBeLessThanOrEqual(8)
    const latency = await valueWhen("the eth node's latency", () => eth.first().locator("td.latency").textContent(), (t) => t !== null && / ms$/.test(t))
    expect(numberIn(latency)).toBeGreaterThan(0)
    // Beside the node latencies, how late this process's own event loop ran (the gateway watches it).
    expect(await page.locator("#event-loop").textContent()).toMatch(/^This process's event loop ran a 20 ms timer up to \d+(\.\d)? ms late over the last 10 s \(p99 \d+(\.\d)? ms\)/)

    // The chart gains samples, one point per sample on each line, and its legend ends at the view's counts.
    const samples = await valueWhen("two samples in the chart", async () => Number(await page.locator("#status-chart").getAttribute("data-samples")), (n) => n >= 2, 30_000)
    const points = await page.locator('#status-chart polyline[data-status="confirmed"]').getAttribute("points")
    expect((points ?? "").trim().split(/\s+/).length).toBeGreaterThanOrEqual(2)
    expect(samples).toBeGreaterThanOrEqual(2)
    // The overview's counts do not wait for the status store's writer thread, so they may trail the API by a moment.
    const counts = await valueWhen("the overview's counts", async () => (await get(intake, "/ops/api/overview")).body.counts as Record<string, number>, (c) => c.confirmed === ids.length)
    expect(counts.failed).toBe(1)
    await valueWhen("the legend's confirmed count", () => page.locator('#chart-legend li[data-status="confirmed"] b').textContent(), (t) => t === String(ids.length))
    await valueWhen("the chart's last confirmed count", () => page.locator('#status-chart polyline[data-status="confirmed"]').getAttribute("data-last"), (t) => t === String(ids.length), 30_000)

    // The failed list on the page is what the status API lists as failed: the refused transfer.
    const listed = ((await get(intake, "/v1/requests?status=failed")).body.requests as Array<{ id: string }>).map((r) => r.id)
    expect(listed).toEqual([refusedId])
    const shown = await valueWhen("the failed list", () => page.locator("#failed-body tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-id"))), (rows) => rows.length > 0)
    expect(shown).toEqual(listed)
    // Everything final: nothing is stuck any more.
    await valueWhen("the stuck list empty", () => texts(page, "#stuck-body tr"), (rows) => rows.length === 0, 30_000)
    const reasonOnList = await page.locator(`#failed-body tr[data-id="${refusedId}"] td.reason`).textContent()
    expect(reasonOnList).toContain("insufficient")

    // A picture of the page next to the run's gateway logs (kept under .run/fault-logs/), for whoever reads a failure.
    await page.screenshot({ path: join(run.dir, "logs", "ops-page.png"), fullPage: true })

    // Its link opens its history, which ends in failed with the node's reason.
    await page.click(`#failed-body tr[data-id="${refusedId}"] a`)
    await page.waitForURL(`**/ops/requests/${refusedId}`)
    await valueWhen("the request's status", () => page.locator("#request-status").textContent(), (t) => t === "failed")
    const api = (await get(intake, `/v1/requests/${refusedId}`)).body as { reason: string; history: Array<{ status: string }> }
    expect(await page.locator("#request-reason").textContent()).toBe(api.reason)
    const history = await page.locator("#history-body tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-status")))
    expect(history).toEqual(api.history.map((t) => t.status))
    expect(history.at(-1)).toBe("failed")
    expect(await page.locator('#history-body tr[data-status="failed"] td.reason').textContent()).toContain("insufficient")
    await page.screenshot({ path: join(run.dir, "logs", "ops-request-page.png"), fullPage: true })
    expect(pageErrors).toEqual([])
  })

  test("without a key the page lists no request, and the attention API refuses", async () => {
    const page = await openPage("/ops")
    await valueWhen("the nodes table", () => page.locator("#nodes-body tr").count(), (n) => n >= 1)
    expect(await page.locator("#attention-state").textContent()).toContain("Enter an operator API key")
    expect(await page.locator("#failed-body tr").count()).toBe(0)
    expect((await fetch(`${intake}/ops/api/attention`)).status).toBe(401)
    expect(pageErrors).toEqual([])
  })
})

/**
 * Paper A's layout: the page on a producer-only process, which throttles no node, and
 * the consumer role in a process of its own, which serves no HTTP. The consumer's
 * throttle report reaches the page through etcd: the eth node shows with its cap, limit
 * and latency and the process it came from, and a burst moves its call count.
 */
describe("operations page of a producer-only process", () => {
  let run: FaultRun
  let browser: Browser
  let intake = ""

  beforeAll(async () => {
    run = await startFaultRun({ name: "ops-split", ethSenders: 2, btcCoins: 0, producers: 1, consumers: 1 })
    intake = run.intakes[0] ?? ""
    browser = await launchChromium()
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await run?.stop()
  }, 120_000)

  test("shows the consumer process's eth node from its report, with where it came from", async () => {
    const consumerPid = run.consumers[0]?.proc.pid
    const page = await browser.newPage()
    const errors: string[] = []
    page.on("pageerror", (e) => errors.push(e.message))
    await page.goto(`${intake}/ops`)
    expect(await page.locator("#host-roles").textContent()).toBe("producer")
    const eth = page.locator('#nodes-body tr[data-chain="ethereum"]')
    await valueWhen("the reported eth node", () => eth.count(), (n) => n === 1)
    expect(await eth.getAttribute("data-host")).toBe("local")
    expect(await eth.locator("td.source").textContent()).toContain(`local (pid ${consumerPid})`)
    expect(numberIn(await eth.locator("td.cap").textContent())).toBe(8)
    const callsBefore = numberIn(await eth.locator("td.calls").textContent())

    const ids = await submitAll(intake, ethTransfers(run, 20))
    expect(await waitAllFinal("ops-split", intake, ids, 120_000)).toBe(true)
    await valueWhen("the eth node's calls to grow with the burst", async () => numberIn(await eth.locator("td.calls").textContent()), (n) => n > callsBefore + ids.length)
    await valueWhen("the eth node's latency", () => eth.locator("td.latency").textContent(), (t) => t !== null && / ms$/.test(t))
    const limit = numberIn(await eth.locator("td.limit").textContent())
    expect(limit).toBeGreaterThanOrEqual(1)
    expect(limit).toBeLessThanOrEqual(8)
    // Every configured node is reported, so none is named as not shown.
    expect(await page.locator("#nodes-elsewhere").isHidden()).toBe(true)
    await page.screenshot({ path: join(run.dir, "logs", "ops-page-split.png"), fullPage: true })
    expect(errors).toEqual([])
  })
})
