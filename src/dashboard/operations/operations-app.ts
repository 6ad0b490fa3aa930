/**
 * The operations page as a socket-free Hono app: `/ops` and `/ops/requests/{id}` (HTML),
 * `/ops/api/overview` and `/ops/api/attention` (JSON), `/ops/chart.svg`, the embedded
 * script and stylesheet, and `/ops/api/openapi.json`. The producer mounts it on the
 * intake listen, where paper A's operator already reads `/metrics`; tests call
 * `app.request()`. Only the attention list takes the API key, and it lists the requests
 * that key may see, as `/v1` does: the rest are figures.
 */
import { type Context, Hono } from "hono"
import { html } from "../html.ts"
import { opsLayout, type OpsFrame } from "./ops-layout.ts"
import type { OpsDeps } from "./ops-deps.ts"
import { opsOpenApiDocument } from "./openapi.ts"
import { opsPage } from "./ops-page.ts"
import { OPS_JS } from "./ops-script.ts"
import { OPS_CSS } from "./ops-style.ts"
import { attentionView, overviewView } from "./ops-views.ts"
import { requestPage } from "./request-page.ts"
import { statusChartSvg } from "./status-chart.ts"
import { stuckAfterMsOf } from "./stuck.ts"

/** How often the page refreshes by default. */
export const DEFAULT_OPS_REFRESH_MS = 2_000

const noStore = { "cache-control": "no-store" }

/** Builds the operations app from its dependencies. */
export const operationsApp = (deps: OpsDeps): Hono => {
  const app = new Hono()
  const now = deps.now ?? Date.now
  const refreshMs = deps.refreshMs ?? DEFAULT_OPS_REFRESH_MS
  const frame = (title: string, page: OpsFrame["page"], extra: Partial<OpsFrame> = {}): OpsFrame => ({ title, page, host: deps.host, roles: deps.roles, refreshMs, ...extra })
  const asset = (type: string) => ({ "content-type": type, "cache-control": "no-cache" })
  const stuckAfterMs = (c: Context) => stuckAfterMsOf(c.req.query("stuck_after_s"))

  app.get("/ops/assets/ops.js", (c) => c.body(OPS_JS, 200, asset("text/javascript; charset=utf-8")))
  app.get("/ops/assets/ops.css", (c) => c.body(OPS_CSS, 200, asset("text/css; charset=utf-8")))
  app.get("/ops/api/openapi.json", (c) => c.json(opsOpenApiDocument()))

  app.get("/ops", (c) => {
    const after = stuckAfterMs(c) / 1000
    const content = opsPage(overviewView(deps, now()), deps.series.samples(), after, deps.apiKeysEnv)
    return c.html(opsLayout(frame("Operations", "ops", { stuckAfterS: after }), content).text, 200, noStore)
  })
  app.get("/ops/requests/:id", (c) => {
    const id = c.req.param("id")
    return c.html(opsLayout(frame(`Request ${id}`, "request", { requestId: id }), requestPage(id, deps.apiKeysEnv)).text, 200, noStore)
  })
  app.get("/ops/chart.svg", (c) => c.body(statusChartSvg(deps.series.samples()).text, 200, { "content-type": "image/svg+xml; charset=utf-8", ...noStore }))
  app.get("/ops/api/overview", (c) => c.json(overviewView(deps, now()), 200, noStore))
  app.use("/ops/api/attention", deps.requireKey)
  app.get("/ops/api/attention", (c) => c.json(attentionView(deps.status, deps.ownerOf(c.req.raw.headers), now(), stuckAfterMs(c)), 200, noStore))
  app.get("/ops/*", (c) =>
    c.html(opsLayout(frame("Not found", "ops"), html`<p class="banner">No operations page at <code>${c.req.path}</code>.</p><p><a href="/ops">Operations</a></p>`).text, 404, noStore),
  )
  return app
}
