/**
 * API-key authentication for `/v1`: `Authorization: Bearer <key>` or `X-API-Key: <key>`,
 * checked before the body is read so an unauthenticated client cannot make the intake
 * parse megabytes. The presented key also seeds idempotent ids, so two clients' keys
 * never collide.
 */
import type { MiddlewareHandler } from "hono"
import { makeOwnerCache } from "../domain/owner.ts"
import { errorResponse, intakeError } from "./intake-errors.ts"

/** Reads the API keys from the variable the config names: comma-separated, blanks ignored. */
export const apiKeysFrom = (value: string | undefined): ReadonlySet<string> =>
  new Set((value ?? "").split(",").map((k) => k.trim()).filter((k) => k !== ""))

/** The key a request presents, from `Authorization: Bearer` first, else `X-API-Key`. */
export const presentedApiKey = (headers: Headers): string | undefined => {
  const auth = headers.get("authorization")
  const bearer = auth === null ? undefined : /^bearer\s+(\S+)\s*$/i.exec(auth)?.[1]
  return bearer ?? headers.get("x-api-key")?.trim() ?? undefined
}

const challenge = { "WWW-Authenticate": 'Bearer realm="gateway intake"' }

/** Middleware that answers 401 unless the request presents one of `keys`. */
export const requireApiKey = (keys: ReadonlySet<string>, keysEnv: string): MiddlewareHandler => async (c, next) => {
  if (keys.size === 0) {
    return errorResponse(
      intakeError(401, "unauthorized", `API keys are not configured on this intake; set ${keysEnv} (comma-separated keys) in the gateway's environment and restart it`, {}, challenge),
    )
  }
  const key = presentedApiKey(c.req.raw.headers)
  if (key === undefined || key === "") {
    return errorResponse(intakeError(401, "unauthorized", "no API key; send it as `Authorization: Bearer <key>` or `X-API-Key: <key>`", {}, challenge))
  }
  if (!keys.has(key)) {
    return errorResponse(intakeError(401, "unauthorized", `the API key is not one this intake accepts; check it against the keys in ${keysEnv}`, {}, challenge))
  }
  await next()
  return undefined
}

const ownerCache = makeOwnerCache()

/**
 * The owner id (`ownerOf`, domain/owner.ts) of the key a request presents: what the
 * queued request and its status records carry, and what its webhooks are filed under.
 * Only called behind `requireApiKey`, so a key is present.
 */
export const presentedOwner = (headers: Headers): string => ownerCache(presentedApiKey(headers) ?? "")
