/**
 * Manager actions need an operator API key: the same keys the intake takes (from the
 * variable `[intake].api_keys_env` names), presented the same way. Reading pages needs
 * none. The key says who may ask; the gateway's manager key signs what is sent.
 */
import type { MiddlewareHandler } from "hono"
import { presentedApiKey } from "../intake/api-key.ts"
import { dashboardErrorResponse } from "./dashboard-errors.ts"

const challenge = { "WWW-Authenticate": 'Bearer realm="gateway dashboard"' }

const unauthorized = (message: string) => dashboardErrorResponse({ status: 401, body: { error: "unauthorized", message }, headers: challenge })

/** Middleware that answers 401 unless the request presents one of `keys`. */
export const requireOperatorKey = (keys: ReadonlySet<string>, keysEnv: string): MiddlewareHandler => async (c, next) => {
  if (keys.size === 0) {
    return unauthorized(`no operator API keys are configured, so manager actions are off; set ${keysEnv} (comma-separated keys) in the gateway's environment and restart it`)
  }
  const key = presentedApiKey(c.req.raw.headers)
  if (key === undefined || key === "") {
    return unauthorized("manager actions need an operator API key; enter it on the page, or send `Authorization: Bearer <key>` or `X-API-Key: <key>`")
  }
  if (!keys.has(key)) return unauthorized(`the API key is not an operator key of this gateway; check it against the keys in ${keysEnv}`)
  await next()
  return undefined
}
