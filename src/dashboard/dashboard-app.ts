/**
 * The Service Registry Dashboard as a socket-free Hono app: pages at `/dashboard`, the
 * JSON API at `/api/dashboard`, the embedded script and stylesheet, and `/` redirecting
 * to the dashboard. The host mounts it on the replica listen; tests call `app.request()`.
 */
import { Effect } from "effect"
import { type Context, Hono } from "hono"
import { dashboardApi } from "./api-routes.ts"
import { ErrorList } from "../intake/validate/field-error.ts"
import { checkServiceIdField } from "./action-input.ts"
import type { DashboardDeps } from "./dashboard-deps.ts"
import { actionErrorAnswer } from "./dashboard-errors.ts"
import { DASHBOARD_JS } from "./dashboard-script.ts"
import { DASHBOARD_CSS } from "./dashboard-style.ts"
import { type Html, html } from "./html.ts"
import { feedView, serviceView } from "./json-views.ts"
import { dashboardOpenApiDocument } from "./openapi.ts"
import { pageLayout, type PageFrame } from "./page-layout.ts"
import { replicationView } from "./replication-view.ts"
import { membersView } from "./members-view.ts"
import { servicePage } from "./service-page.ts"
import { servicesPage } from "./services-page.ts"

/** How often the pages refresh by default. */
export const DEFAULT_REFRESH_MS = 2_000

const page = (c: Context, frame: PageFrame, content: Html, status: 200 | 400 | 404 | 502 | 503 = 200) =>
  c.html(pageLayout(frame, content).text, status, { "cache-control": "no-store" })

/** Builds the dashboard from its dependencies. */
export const dashboardApp = (deps: DashboardDeps): Hono => {
  const app = new Hono()
  const refreshMs = deps.refreshMs ?? DEFAULT_REFRESH_MS
  const frame = (title: string, kind: PageFrame["page"], serviceId?: string): PageFrame => ({
    title,
    page: kind,
    registry: deps.registry.address,
    signer: deps.registry.signer,
    refreshMs,
    ...(serviceId === undefined ? {} : { serviceId }),
  })
  const assetHeaders = (type: string) => ({ "content-type": type, "cache-control": "no-cache" })

  app.get("/", (c) => c.redirect("/dashboard", 302))
  app.get("/dashboard/assets/dashboard.js", (c) => c.body(DASHBOARD_JS, 200, assetHeaders("text/javascript; charset=utf-8")))
  app.get("/dashboard/assets/dashboard.css", (c) => c.body(DASHBOARD_CSS, 200, assetHeaders("text/css; charset=utf-8")))

  app.get("/dashboard", async (c) => {
    const listed = await Effect.runPromise(Effect.result(deps.registry.listServices()))
    const content = servicesPage({
      services: listed._tag === "Success" ? listed.success.map(serviceView) : [],
      listError: listed._tag === "Success" ? undefined : `could not list the services: ${actionErrorAnswer(listed.failure).body.message}`,
      replication: await replicationView(deps),
      feed: deps.feed.recent().map(feedView),
    })
    return page(c, frame("Services", "services"), content)
  })

  app.get("/dashboard/services/:id", async (c) => {
    const errors = new ErrorList()
    const id = checkServiceIdField("service_id", c.req.param("id"), errors)
    if (id === undefined) {
      return page(c, frame("Bad service id", "services"), html`<p class="banner">${errors.items[0]?.message ?? "bad service id"}</p><p><a href="/dashboard">All services</a></p>`, 400)
    }
    const record = await Effect.runPromise(Effect.result(deps.registry.getService(id)))
    if (record._tag === "Failure") {
      const answer = actionErrorAnswer(record.failure)
      const status = answer.status === 404 ? 404 : answer.status === 503 ? 503 : 502
      return page(c, frame(id, "services"), html`<p class="banner" id="page-error">${answer.body.message}</p><p><a href="/dashboard">All services</a></p>`, status)
    }
    const content = servicePage({
      service: serviceView(record.success),
      members: await membersView(deps.registry, id),
      signer: deps.registry.signer,
      replication: await replicationView(deps),
      feed: deps.feed.recent().map(feedView),
    })
    return page(c, frame(id, "service", id), content)
  })

  app.get("/api/dashboard/openapi.json", (c) => c.json(dashboardOpenApiDocument()))
  app.route("/api/dashboard", dashboardApi(deps))
  return app
}
