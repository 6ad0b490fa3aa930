/**
 * The operations page end to end, in real headless Chromium (Debian's `chromium`,
 * driven by playwright-core), against the real stack: a compiled gateway with its own
 * topics, consumer group and anvil (`startFaultRun`), one process running the producer
 * and consumer roles so its page sees its own node throttles.
 *
 * The operator opens `/ops`, enters an API key, and watches a burst of Ethereum
 * transfers drain, with one transfer whose value is more than its sender holds. From the
 * DOM: every partition of the run's topic is listed and the backlog goes back to 0, the
 * partitions' ends add up to what Kafka holds, the eth node shows its cap, current limit
 * and latency, the chart gains samples, and the refused transfer is listed as failed
 * (the same ids `GET /v1/requests?status=failed` lists); its link opens a history that
 * ends in `failed` with the node's reason.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test"
import { existsSync } from "node:fs"
import { join } from "node:path"
import { type Browser, chromium, type Page } from "playwright-core"
import { topicMessageCount } from "./support/chain-clients.ts"
import { ethTransfers, type FaultRun, startFaultRun, submitAll, waitAllFinal } from "./support/fault-run.ts"
import { apiKey, get, post } from "./support/intake-client.ts"

setDefaultTimeout(300_000)

/** Debian's chromium; `npm test` installs it (scripts/install chromium). */
const CHROMIUM = process.env.GATEWAY_CHROMIUM ?? "/usr/bin/chromium"
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]

/** Transfers per sender in the burst (four senders). */
const PER_SENDER = 75
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
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`bash scripts/install chromium\` (npm test does)`)
    run = await startFaultRun({ name: "ops-page", ethSenders: 4, btcCoins: 0, producers: 1, consumers: 0, producerRoles: "producer,consumer" })
    intake = run.intakes[0] ?? ""
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
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
    const page = await openPage("/ops")
    await page.fill("#operator-key", apiKey)
    // Before the burst: every partition of the run's topic is listed, and the chart has its first sample.
    const partitions = await valueWhen("every partition listed", () => page.locator("#backlog-body tr").count(), (n) => n === 12)
    expect(partitions).toBe(12)

    // Watch the backlog total while the burst goes in and drains.
    const seen: number[] = []
    let watching = true
    const watcher = (async () => {
      while (watching) {
        const total = await page.locator("#backlog-total").textContent().catch(() => null)
        if (total !== null) seen.push(numberIn(total))
        await Bun.sleep(250)
      }
    })()

    const [sender] = run.senders
    const refused = await post(intake, "/v1/requests", { chain: "ethereum", method: "transfer", params: { from: sender, to: run.sink, value: TOO_MUCH } })
    expect(refused.status).toBe(202)
    const refusedId = String(((await refused.json()) as { id: string }).id)
    const ids = await submitAll(intake, ethTransfers(run, PER_SENDER))
    const all = [refusedId, ...ids]
    expect(await waitAllFinal("ops-page", intake, all, 240_000)).toBe(true)

    // The backlog goes back to 0 on the page, and the partitions' ends add up to what Kafka holds.
    await valueWhen("the backlog total back to 0", () => page.locator("#backlog-total").textContent(), (t) => t === "0")
    watching = false
    await watcher
    const inKafka = await topicMessageCount(run.topics.requests)
    expect(inKafka).toBe(all.length)
    const ends = await valueWhen("the partitions' ends to add up to the topic", async () => {
      const rows = await page.locator("#backlog-body tr").evaluateAll((trs) => trs.map((tr) => ({ end: Number(tr.children[1]?.textContent), backlog: Number(tr.getAttribute("data-backlog")) })))
      return rows
    }, (rows) => rows.reduce((s, r) => s + r.end, 0) === inKafka)
    expect(ends.every((r) => r.backlog === 0)).toBe(true)
    process.stderr.write(`ops-page: backlog totals seen on the page during the drain: max ${Math.max(...seen)}, ${seen.length} readings\n`)
    // The page showed the burst waiting before it showed it drained.
    expect(Math.max(...seen)).toBeGreaterThan(0)

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
    expect(await texts(page, "#stuck-body tr")).toEqual([])
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
