/**
 * The Hono intake: a socket-free app (tests call `app.request()`), served by the
 * producer actor. It answers health, readiness, metrics and the OpenAPI document.
 */
import { Hono } from "hono"
import type { MetricsRegistry } from "../../observability/metrics.ts"
import { openApiDocument } from "./openapi.ts"

/** What the intake needs from the producer actor. */
export interface IntakeDeps {
  readonly version: string
  readonly metrics: MetricsRegistry
  /** True once Kafka is connected and the topics exist. */
  readonly ready: () => boolean
}

/** Builds the app. */
export const makeIntakeApp = (deps: IntakeDeps): Hono => {
  const app = new Hono()
  app.get("/healthz", (c) => c.json({ status: "ok" }))
  app.get("/readyz", (c) => (deps.ready() ? c.json({ status: "ready" }) : c.json({ status: "not ready", retry: "Kafka is not connected yet" }, 503)))
  app.get("/metrics", (c) => c.text(deps.metrics.render(), 200, { "content-type": "text/plain; version=0.0.4" }))
  app.get("/openapi.json", (c) => c.json(openApiDocument(deps.version)))
  app.notFound((c) => c.json({ error: "not_found", message: `no route for ${c.req.method} ${c.req.path}; see GET /openapi.json` }, 404))
  return app
}
