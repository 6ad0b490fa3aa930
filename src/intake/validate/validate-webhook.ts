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
