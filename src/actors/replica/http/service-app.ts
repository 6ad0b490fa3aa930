/**
 * The replicated sample service's Hono app (paper B's Table 2 number list), socket-free
 * so tests drive it with `app.request()`. The replica role serves it on the host's
 * replica listen; the dashboard mounts its own routes on the same app through `mounts`.
 */
import { Hono } from "hono"
import { routePath } from "hono/route"
import { readinessAnswer } from "../../../host/readiness.ts"
import { lookupRequest } from "./lookup-request.ts"
import type { ServiceDeps } from "./service-deps.ts"
import { errorResponse, unavailable } from "./service-errors.ts"
import { serviceMetrics } from "./service-metrics.ts"
import { serviceOpenApi } from "./service-openapi.ts"
import { submitNumber } from "./submit-number.ts"

/** An OpenAPI fragment a mount adds to `/openapi.json`: its paths and component schemas. */
export interface OpenApiFragment {
  readonly paths: Readonly<Record<string, unknown>>
  readonly components?: { readonly schemas?: Readonly<Record<string, unknown>> }
}

/**
 * Adds routes to the service app (the dashboard's `/`, `/dashboard/...`,
 * `/api/dashboard/...`), and says what they are, so the listen has one OpenAPI document.
 */
export interface ServiceMount {
  readonly routes: (app: Hono) => void
  readonly openApi?: OpenApiFragment
}

/** The service's document with every mount's paths and schemas merged in. */
const documentWith = (version: string, mounts: readonly ServiceMount[]) => {
  const base = serviceOpenApi(version)
  const fragments = mounts.flatMap((m) => (m.openApi ? [m.openApi] : []))
  return {
    ...base,
    paths: Object.assign({}, base.paths, ...fragments.map((f) => f.paths)),
    components: { ...base.components, schemas: Object.assign({}, base.components.schemas, ...fragments.map((f) => f.components?.schemas ?? {})) },
  }
}

/** Builds the app from its dependencies, then lets each mount add its routes. */
export const makeServiceApp = (deps: ServiceDeps, mounts: readonly ServiceMount[] = []): Hono => {
  const app = new Hono()
  const metrics = serviceMetrics(deps.metrics)
  const replica = deps.replica

  app.use("*", async (c, next) => {
    await next()
    const route = routePath(c, -1)
    metrics.requests.inc({ method: c.req.method, route: route === "*" ? "unmatched" : route, code: String(c.res.status) })
  })
  app.get("/healthz", (c) => c.json({ status: "ok", node: replica.node }))
  app.get("/readyz", (c) => {
    const answer = readinessAnswer(deps.readiness())
    const body = { ...answer.body, node: replica.node, role: replica.status().role }
    return answer.status === 200 ? c.json(body) : c.json(body, 503, { "Retry-After": String(deps.limits.retryAfterS) })
  })
  app.get("/metrics", (c) => c.text(deps.metrics.render(), 200, { "content-type": "text/plain; version=0.0.4" }))
  const openApi = documentWith(deps.version, mounts)
  app.get("/openapi.json", (c) => c.json(openApi))

  app.post("/v1/numbers", submitNumber(deps, metrics))
  app.get("/v1/numbers", (c) => {
    const lpi = replica.status().lpi
    return c.json({ node: replica.node, lpi, numbers: replica.state() })
  })
  app.get("/v1/requests/:id", lookupRequest(replica))
  app.get("/v1/replica", (c) => c.json(replica.status()))
  app.get("/v1/replicas", async (c) => {
    try {
      return c.json(await replica.replicas())
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e)
      return errorResponse(unavailable("replicas_unavailable", `cannot read the replicas from etcd (${detail}); retry shortly`, deps.limits.retryAfterS))
    }
  })

  for (const mount of mounts) mount.routes(app)

  app.notFound((c) => c.json({ error: "not_found", message: `no route for ${c.req.method} ${c.req.path}; see GET /openapi.json` }, 404))
  app.onError((err, c) =>
    c.json({ error: "internal", message: `the service failed to handle ${c.req.method} ${c.req.path} (${err.name}); retry with the same request_id, and report it if it persists` }, 500))
  return app
}
