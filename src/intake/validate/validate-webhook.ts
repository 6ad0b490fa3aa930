/**
 * Checks a `POST /v1/webhooks` body: `{ url, events }`, nothing else. The URL must be an
 * absolute http:// or https:// URL without credentials (a secret in a URL would be shown
 * back on every GET), at most 2,048 characters; `events` a non-empty list of request
 * statuses, each once. Every problem is listed, in the intake's field/rule shape, so a
 * client fixes them all at once.
 */
import type { RequestStatus } from "../../domain/status.ts"
import { childPath, ErrorList, type FieldError, indexPath } from "./field-error.ts"
import { asObject, checkFields } from "./object-shape.ts"

/**
 * The statuses a webhook may subscribe to: those the executors write to `sendto.results`.
 * `accepted` is not among them (the intake's 202 says it, and it is kept in the intake's
 * own view only), nor `intent` (no longer written).
 */
export const webhookStatuses: readonly RequestStatus[] = ["signed", "submitted", "confirmed", "failed", "dlq"]

/** The longest URL accepted. */
export const maxWebhookUrlLength = 2048

/** The rules, for tests and the OpenAPI document. */
export const webhookRules = {
  url: "http or https URL",
  urlLength: `at most ${maxWebhookUrlLength} characters`,
  credentials: "no credentials in the URL",
  events: "non-empty list of statuses",
  status: `one of ${webhookStatuses.join(", ")}`,
  unique: "each status once",
} as const

/** A valid registration request. */
export interface WebhookRequest {
  readonly url: string
  readonly events: readonly RequestStatus[]
}

const isStatus = (value: unknown): value is RequestStatus => typeof value === "string" && (webhookStatuses as readonly string[]).includes(value)

/** The request, or every field error in it. */
export const validateWebhookRequest = (body: unknown): { readonly ok: true; readonly value: WebhookRequest } | { readonly ok: false; readonly errors: readonly FieldError[] } => {
  const errors = new ErrorList()
  const obj = asObject(body, "", errors, "a webhook registration: { url, events }")
  if (obj === undefined) return { ok: false, errors: errors.items }
  checkFields(obj, "", errors, "a webhook registration", ["url", "events"])
  const url = obj.url
  if (url !== undefined) {
    if (typeof url !== "string" || !URL.canParse(url) || !["http:", "https:"].includes(new URL(url).protocol)) {
      errors.add("url", webhookRules.url, "must be an absolute http:// or https:// URL the notifier can POST to", url)
    } else if (url.length > maxWebhookUrlLength) {
      errors.add("url", webhookRules.urlLength, `must be at most ${maxWebhookUrlLength} characters`, url)
    } else if (new URL(url).username !== "" || new URL(url).password !== "") {
      errors.add("url", webhookRules.credentials, "must not carry a user or password; check the signature instead", "(a URL with credentials, not shown)")
    }
  }
  const events = obj.events
  if (events !== undefined) {
    if (!Array.isArray(events) || events.length === 0) {
      errors.add("events", webhookRules.events, `must be a non-empty list of the statuses to be told about (${webhookStatuses.join(", ")})`, events)
    } else {
      const seen = new Set<string>()
      events.forEach((status: unknown, i) => {
        const path = indexPath(childPath("", "events"), i)
        if (!isStatus(status)) errors.add(path, webhookRules.status, `must be one of ${webhookStatuses.join(", ")}`, status)
        else if (seen.has(status)) errors.add(path, webhookRules.unique, "lists a status already listed", status)
        else seen.add(status)
      })
    }
  }
  if (errors.size > 0) return { ok: false, errors: errors.items }
  return { ok: true, value: { url: String(url), events: (events as RequestStatus[]).slice() } }
}

/** The longest a replaced secret may keep signing: a week. */
export const maxKeepPreviousS = 7 * 24 * 3600

/** How long a replaced secret keeps signing when the rotation does not say: a day. */
export const defaultKeepPreviousS = 24 * 3600

/** A valid `POST /v1/webhooks/{id}/secret` body. */
export interface SecretRotation {
  /** Seconds the replaced secret keeps signing beside the new one; 0 ends it at once. */
  readonly keepPreviousS: number
}

/** `{ keep_previous_s? }`: a whole number of seconds from 0 to a week (default a day). */
export const validateSecretRotation = (body: unknown): { readonly ok: true; readonly value: SecretRotation } | { readonly ok: false; readonly errors: readonly FieldError[] } => {
  const errors = new ErrorList()
  const obj = asObject(body, "", errors, "a secret rotation: { keep_previous_s }")
  if (obj === undefined) return { ok: false, errors: errors.items }
  checkFields(obj, "", errors, "a secret rotation", [], ["keep_previous_s"])
  const keep = obj.keep_previous_s
  if (keep !== undefined && (typeof keep !== "number" || !Number.isInteger(keep) || keep < 0 || keep > maxKeepPreviousS)) {
    errors.add("keep_previous_s", `whole seconds from 0 to ${maxKeepPreviousS}`, `must be a whole number of seconds from 0 (the old secret stops signing at once) to ${maxKeepPreviousS} (a week)`, keep)
  }
  if (errors.size > 0) return { ok: false, errors: errors.items }
  return { ok: true, value: { keepPreviousS: keep === undefined ? defaultKeepPreviousS : (keep as number) } }
}

/** Most parked deliveries one redelivery call sends (the answer says how many are left). */
export const maxRedeliverPerCall = 100

/** A valid `POST /v1/webhooks/{id}/deliveries/redeliver` body. */
export interface RedeliverRequest {
  /** The parked deliveries to send again; undefined: the oldest parked ones, up to `maxRedeliverPerCall`. */
  readonly eventIds: readonly string[] | undefined
}

/** `{ event_ids? }`: a non-empty list of at most `maxRedeliverPerCall` distinct event ids. */
export const validateRedeliver = (body: unknown): { readonly ok: true; readonly value: RedeliverRequest } | { readonly ok: false; readonly errors: readonly FieldError[] } => {
  const errors = new ErrorList()
  const obj = asObject(body, "", errors, "a redelivery: { event_ids }")
  if (obj === undefined) return { ok: false, errors: errors.items }
  checkFields(obj, "", errors, "a redelivery", [], ["event_ids"])
  const ids = obj.event_ids
  const rule = `non-empty list of at most ${maxRedeliverPerCall} distinct event ids`
  if (ids !== undefined) {
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > maxRedeliverPerCall) {
      errors.add("event_ids", rule, `must be a ${rule} (from GET /v1/webhooks/{id}/deliveries?state=parked), or left out for the oldest parked ones`, ids)
    } else {
      const seen = new Set<string>()
      ids.forEach((id: unknown, i) => {
        const path = indexPath(childPath("", "event_ids"), i)
        if (typeof id !== "string" || id === "") errors.add(path, "an event id", "must be an event id string, e.g. 3f0c…:3", id)
        else if (seen.has(id)) errors.add(path, "each id once", "lists an event id already listed", id)
        else seen.add(id)
      })
    }
  }
  if (errors.size > 0) return { ok: false, errors: errors.items }
  return { ok: true, value: { eventIds: ids === undefined ? undefined : (ids as string[]).slice() } }
}
