/**
 * The dashboard's JSON API under `/api/dashboard`: what the pages read (services, one
 * service with its replication, the feed and its live stream) and the manager actions
 * (register, move, change info, add and remove managers). Actions need an operator key,
 * are checked before anything is sent, and are signed with the gateway's manager key.
 */
import { Effect } from "effect"
import { type Context, Hono } from "hono"
import { readJsonBody } from "../intake/read-body.ts"
import { ErrorList } from "../intake/validate/field-error.ts"
import { type Checked, checkAccountField, checkInfoUpdate, checkLocationUpdate, checkManagerAdd, checkRegister, checkServiceIdField } from "./action-input.ts"
import type { ActionError, ActionReceipt, DashboardDeps } from "./dashboard-deps.ts"
import { actionErrorAnswer, dashboardErrorResponse, invalidInput } from "./dashboard-errors.ts"
import { feedStream } from "./feed-stream.ts"
import { feedView, serviceView } from "./json-views.ts"
import { membersView } from "./members-view.ts"
import { requireOperatorKey } from "./operator-key.ts"
import { replicationView } from "./replication-view.ts"

/** Largest action body: a few fields of at most a kilobyte each. */
export const MAX_ACTION_BODY_BYTES = 16 * 1024

/** Runs a registry effect: its value, or the error answer. */
const run = async <A>(effect: Effect.Effect<A, ActionError>): Promise<{ readonly ok: true; readonly value: A } | { readonly ok: false; readonly response: Response }> => {
  const result = await Effect.runPromise(Effect.result(effect))
  return result._tag === "Success" ? { ok: true, value: result.success } : { ok: false, response: dashboardErrorResponse(actionErrorAnswer(result.failure)) }
}

/** The `:id` path parameter, checked like a form field named `service_id`. */
const pathServiceId = (c: Context): Checked<string> => {
  const errors = new ErrorList()
  const id = checkServiceIdField("service_id", c.req.param("id"), errors)
  return id === undefined ? { ok: false, errors: errors.items } : { ok: true, value: id }
}

/** Reads and checks an action body; answers the 4xx when it is not acceptable. */
const readAction = async <A>(c: Context, check: (body: unknown) => Checked<A>): Promise<{ readonly ok: true; readonly value: A } | { readonly ok: false; readonly response: Response }> => {
  const body = await readJsonBody(c.req.raw, MAX_ACTION_BODY_BYTES)
  if (!body.ok) return { ok: false, response: dashboardErrorResponse(body.error) }
  const checked = check(body.value)
  return checked.ok ? checked : { ok: false, response: dashboardErrorResponse(invalidInput(checked.errors)) }
}

/** The answer to a confirmed action: what was done, the transaction, and the record as it is now. */
const confirmed = async (deps: DashboardDeps, c: Context, action: string, serviceId: string, receipt: ActionReceipt, status: 200 | 201 = 200) => {
  // The write is confirmed; a failing read-back only leaves `service` null (the page reloads it).
  const now = await run(deps.registry.getService(serviceId))
  return c.json(
    {
      action,
      service_id: serviceId,
      tx_hash: receipt.txHash,
      block_number: receipt.blockNumber,
      signer: deps.registry.signer ?? null,
      service: now.ok ? serviceView(now.value) : null,
    },
    status,
  )
}

/** Builds the API, mounted by the dashboard app at `/api/dashboard`. */
export const dashboardApi = (deps: DashboardDeps): Hono => {
  const api = new Hono()
  const r = deps.registry

  api.get("/services", async (c) => {
    const listed = await run(r.listServices())
    return listed.ok ? c.json({ registry: r.address, signer: r.signer ?? null, services: listed.value.map(serviceView) }) : listed.response
  })

  api.get("/services/:id", async (c) => {
    const id = pathServiceId(c)
    if (!id.ok) return dashboardErrorResponse(invalidInput(id.errors))
    const record = await run(r.getService(id.value))
    if (!record.ok) return record.response
    const signer = r.signer ?? null
    return c.json({
      registry: r.address,
      service: serviceView(record.value),
      ...(await membersView(r, id.value)),
      signer,
      signer_is_manager: signer !== null && record.value.managers.includes(signer),
      replication: await replicationView(deps),
    })
  })

  api.get("/replication", async (c) => c.json({ replication: await replicationView(deps) }))
  api.get("/feed", (c) => c.json({ items: deps.feed.recent().map(feedView) }))
  api.get("/feed/stream", feedStream(deps.feed, deps.keepAliveMs ?? 10_000))

  const operator = requireOperatorKey(deps.apiKeys, deps.apiKeysEnv)
  api.post("/services", operator, async (c) => {
    const input = await readAction(c, checkRegister)
    if (!input.ok) return input.response
    const { serviceId, location, info } = input.value
    const done = await run(r.register(serviceId, location, info))
    return done.ok ? confirmed(deps, c, "register", serviceId, done.value, 201) : done.response
  })

  /** A manager action on the service named by `:id`: path and body checked, then signed and sent. */
  const serviceAction = <A>(action: string, check: (body: unknown) => Checked<A>, send: (id: string, input: A) => Effect.Effect<ActionReceipt, ActionError>) =>
    async (c: Context) => {
      const id = pathServiceId(c)
      if (!id.ok) return dashboardErrorResponse(invalidInput(id.errors))
      const input = await readAction(c, check)
      if (!input.ok) return input.response
      const done = await run(send(id.value, input.value))
      return done.ok ? confirmed(deps, c, action, id.value, done.value) : done.response
    }
  api.post("/services/:id/location", operator, serviceAction("update_location", checkLocationUpdate, (id, input) => r.updateLocation(id, input.location, input.epoch)))
  api.post("/services/:id/info", operator, serviceAction("update_info", checkInfoUpdate, (id, input) => r.updateInfo(id, input)))
  api.post("/services/:id/managers", operator, serviceAction("add_manager", checkManagerAdd, (id, input) => r.addManager(id, input)))

  api.delete("/services/:id/managers/:account", operator, async (c) => {
    const errors = new ErrorList()
    const id = checkServiceIdField("service_id", c.req.param("id"), errors)
    const account = checkAccountField("account", c.req.param("account"), errors)
    if (id === undefined || account === undefined) return dashboardErrorResponse(invalidInput(errors.items))
    const done = await run(r.removeManager(id, account))
    return done.ok ? confirmed(deps, c, "remove_manager", id, done.value) : done.response
  })

  return api
}
