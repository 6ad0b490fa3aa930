/**
 * The Hono intake of paper A: a socket-free app (tests call `app.request()`), served by
 * the producer actor. Submissions are authenticated, size-limited, validated, published
 * to Kafka and answered 202 only after the ack; the status routes read this host's
 * status view. Health, readiness (the host's checks), metrics and the OpenAPI document
 * need no API key. Mounts (the operations page at `/ops`) add their own routes and say
 * which need the key.
 */
import { Hono, type Context, type Next } from "hono"
import { routePath } from "hono/route"
import { readinessAnswer } from "../host/readiness.ts"
import { requireApiKey } from "./api-key.ts"
import { makeInFlight } from "./publish/in-flight.ts"
import type { IntakeDeps } from "./intake-deps.ts"
import { intakeMetrics } from "./intake-metrics.ts"
import { openApiDocument } from "./openapi/openapi.ts"
import type { PublishRun } from "./publish/publish-run.ts"
import { getBalance, postRpc } from "./routes/read-routes.ts"
import { cancelRequest } from "./routes/cancel-request.ts"
import { getBatchStatus, getRequestStatus, listRequests } from "./routes/status-routes.ts"
import { submitBatch } from "./routes/submit-batch.ts"
import { submitRequest } from "./routes/submit-request.ts"
import { deleteWebhook, getWebhook, listDeliveries, listWebhooks, redeliverParked, registerWebhook, rotateSecret, webhooksReady } from "./routes/webhook-routes.ts"
import { errorResponse, unavailable } from "./intake-errors.ts"

export type { IntakeDeps, IntakeLimits } from "./intake-deps.ts"

/** Builds the app from its dependencies. */
export const makeIntakeApp = (deps: IntakeDeps): Hono => {
  const app = new Hono()
  const metrics = intakeMetrics(deps.metrics)
  const ctx = { bitcoinNetwork: deps.bitcoinNetwork, ethereumChainId: deps.ethereumChainId, bitcoinDefaultAccount: deps.bitcoinDefaultAccount }

  app.use("*", async (c, next) => {
    await next()
    const route = routePath(c, -1)
    metrics.requests.inc({ method: c.req.method, route: route === "*" || route === "/v1/*" ? "unmatched" : route, code: String(c.res.status) })
  })
  app.get("/healthz", (c) => c.json({ status: "ok" }))
  app.get("/readyz", (c) => {
    const answer = readinessAnswer(deps.readiness())
    return answer.status === 200 ? c.json(answer.body) : c.json(answer.body, 503, { "Retry-After": String(deps.limits.retryAfterS) })
  })
  app.get("/metrics", (c) => {
    metrics.backlog.set(deps.backlog())
    return c.text(deps.metrics.render(), 200, { "content-type": "text/plain; version=0.0.4" })
  })
  app.get("/openapi.json", (c) => c.json(openApiDocument(deps.version, { maxBatchItems: deps.limits.maxBatchItems, maxBodyBytes: deps.limits.maxBodyBytes })))

  app.use("/v1/*", requireApiKey(deps.apiKeys, deps.apiKeysEnv))
  // One map for both routes: one Idempotency-Key gives a request and a batch the same id,
  // and their fingerprints differ by kind, so using it for both at once is a conflict.
  const inFlight = makeInFlight<PublishRun>()
  const reads = deps.reads
  if (reads !== undefined) {
    // Transfers accepted here are executed here soon: reads start yielding now, not when
    // the first of them reaches an executor (src/reads/read-gate.ts). A refused submission
    // (bad input, overloaded) changes nothing, the reads' pace included.
    const writesComing = async (c: Context, next: Next) => {
      await next()
      if (c.res.status < 300) reads.writesComing()
    }
    app.post("/v1/requests", writesComing)
    app.post("/v1/batches", writesComing)
  }
  app.post("/v1/requests", submitRequest(deps, ctx, metrics, inFlight))
  app.post("/v1/batches", submitBatch(deps, ctx, metrics, inFlight))
  app.get("/v1/requests", listRequests(deps.status))
  app.get("/v1/requests/:id", getRequestStatus(deps.status))
  app.delete("/v1/requests/:id", cancelRequest(deps))
  app.get("/v1/batches/:id", getBatchStatus(deps.status))
  const hooks = deps.webhooks
  if (hooks !== undefined) {
    app.use("/v1/webhooks", webhooksReady(hooks, deps.limits))
    app.use("/v1/webhooks/*", webhooksReady(hooks, deps.limits))
    app.post("/v1/webhooks", registerWebhook(hooks, deps.limits, deps.now ?? Date.now))
    app.get("/v1/webhooks", listWebhooks(hooks))
    app.get("/v1/webhooks/:id", getWebhook(hooks))
    app.delete("/v1/webhooks/:id", deleteWebhook(hooks, deps.limits))
    app.post("/v1/webhooks/:id/secret", rotateSecret(hooks, deps.limits, deps.now ?? Date.now))
    app.get("/v1/webhooks/:id/deliveries", listDeliveries(hooks))
    app.post("/v1/webhooks/:id/deliveries/redeliver", redeliverParked(hooks, deps.limits, deps.now ?? Date.now))
  } else {
    app.all("/v1/webhooks/*", () => errorResponse(unavailable("not_ready", "this intake was started without its webhook book; send webhook calls to another intake", deps.limits.retryAfterS)))
    app.all("/v1/webhooks", () => errorResponse(unavailable("not_ready", "this intake was started without its webhook book; send webhook calls to another intake", deps.limits.retryAfterS)))
  }
  app.post("/v1/rpc/:chain", postRpc(deps.reads, deps.limits, deps.rateLimit))
  app.get("/v1/balances/:chain/:who", getBalance(deps.reads, deps.limits, deps.rateLimit))
  for (const mount of deps.mounts ?? []) mount(app)

  app.notFound((c) => c.json({ error: "not_found", message: `no route for ${c.req.method} ${c.req.path}; see GET /openapi.json` }, 404))
  app.onError((err, c) => {
    // A bug, not bad input: say so without leaking internals; the metrics count the 500.
    return c.json({ error: "internal", message: `the intake failed to handle ${c.req.method} ${c.req.path} (${err.name}); nothing was accepted unless a 202 was sent; retry, and report it if it persists` }, 500)
  })
  return app
}
