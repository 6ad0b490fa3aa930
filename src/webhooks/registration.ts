/**
 * What the webhooks topic holds, and its one codec. The topic is compacted and keyed so
 * that compaction keeps exactly what is live:
 *
 * - `webhook/<id>`: a registration (owner, URL, the statuses it wants, its secret, when
 *   it was made); a delete writes a tombstone for the key;
 * - `parked/<webhook id>/<event id>`: a delivery the notifier gave up on after
 *   `[webhooks].retry_for_s`, with the event it carried and why, so a client can list it;
 *   deleting the webhook tombstones its parked deliveries too.
 *
 * Every host that serves the intake or runs the notifier reads the topic into a
 * `WebhookBook` (webhook-book.ts). The secret is in the topic because every notifier host
 * must sign with it; the topic is as private as `sendto` itself.
 */
import type { RequestStatus } from "../domain/status.ts"
import type { Decoded } from "../domain/wire.ts"
import type { WebhookEvent } from "./event-body.ts"

/** One registered endpoint. */
export interface Webhook {
  readonly id: string
  /** `ownerOf(api key)` of the key that registered it: only that key sees it, and only its requests are posted. */
  readonly owner: string
  readonly url: string
  /** The statuses it is told about. */
  readonly events: readonly RequestStatus[]
  /** The HMAC key deliveries are signed with (`whsec_…`); answered once, to the POST that made it. */
  readonly secret: string
  /** Epoch ms; status changes from before it are not posted to it. */
  readonly created_at: number
  /**
   * The secret a rotation replaced, still signed with (beside `secret`) until
   * `previous_secret_until`, so the receiver can switch to the new one without refusing a
   * delivery in between.
   */
  readonly previous_secret?: string
  /** Epoch ms after which `previous_secret` no longer signs. */
  readonly previous_secret_until?: number
  /** Epoch ms of the last rotation. */
  readonly rotated_at?: number
}

/** The secrets a delivery at `now` is signed with: the current one, and the replaced one while it is still kept. */
export const signingSecrets = (webhook: Webhook, now: number): readonly string[] =>
  webhook.previous_secret !== undefined && webhook.previous_secret_until !== undefined && now < webhook.previous_secret_until
    ? [webhook.secret, webhook.previous_secret]
    : [webhook.secret]

/** A delivery that failed for `[webhooks].retry_for_s` and was set aside. */
export interface ParkedDelivery {
  readonly webhook_id: string
  readonly owner: string
  readonly event_id: string
  readonly url: string
  readonly attempts: number
  /** Epoch ms of the first attempt and of the parking. */
  readonly first_attempt_at: number
  readonly parked_at: number
  /** The last attempt's outcome, e.g. "HTTP 500" or "timed out after 10000 ms". */
  readonly last_error: string
  /** The event as it would have been posted. */
  readonly event: WebhookEvent
}

/** One record of the topic, decoded. */
export type WebhookEntry =
  | { readonly _tag: "webhook"; readonly id: string; readonly webhook: Webhook | undefined }
  | { readonly _tag: "parked"; readonly webhookId: string; readonly eventId: string; readonly parked: ParkedDelivery | undefined }

/** The key of a registration. */
export const webhookKey = (id: string): string => `webhook/${id}`

/** The key of a parked delivery. */
export const parkedKey = (webhookId: string, eventId: string): string => `parked/${webhookId}/${eventId}`

/** The value of a registration's record. */
export const encodeWebhook = (webhook: Webhook): string => JSON.stringify(webhook)

/** The value of a parked delivery's record. */
export const encodeParked = (parked: ParkedDelivery): string => JSON.stringify(parked)

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v)

const parseObject = (text: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(text)
    return isObject(value) ? value : undefined
  } catch {
    return undefined
  }
}

/**
 * Reads one record of the topic (a null value is a tombstone: the entry is gone). An
 * unknown key or a value that is not the shape its key promises is a problem to log,
 * never a crash: the topic is shared by every host, old and new.
 */
export const decodeWebhookEntry = (key: string, value: string | null): Decoded<WebhookEntry> => {
  const [kind, first, ...rest] = key.split("/")
  if (kind === "webhook" && first !== undefined && first !== "" && rest.length === 0) {
    if (value === null) return { ok: true, value: { _tag: "webhook", id: first, webhook: undefined } }
    const v = parseObject(value)
    const rotation = (v?.previous_secret === undefined || typeof v.previous_secret === "string") && (v?.previous_secret_until === undefined || typeof v.previous_secret_until === "number")
    if (v === undefined || v.id !== first || typeof v.owner !== "string" || typeof v.url !== "string" || typeof v.secret !== "string" || typeof v.created_at !== "number" || !Array.isArray(v.events) || !rotation) {
      return { ok: false, problem: `${key}: not a webhook registration` }
    }
    return { ok: true, value: { _tag: "webhook", id: first, webhook: v as unknown as Webhook } }
  }
  if (kind === "parked" && first !== undefined && first !== "" && rest.length > 0) {
    const eventId = rest.join("/")
    if (value === null) return { ok: true, value: { _tag: "parked", webhookId: first, eventId, parked: undefined } }
    const v = parseObject(value)
    if (v === undefined || v.webhook_id !== first || v.event_id !== eventId || typeof v.parked_at !== "number" || !isObject(v.event)) {
      return { ok: false, problem: `${key}: not a parked delivery` }
    }
    return { ok: true, value: { _tag: "parked", webhookId: first, eventId, parked: v as unknown as ParkedDelivery } }
  }
  return { ok: false, problem: `${key}: not a key of the webhooks topic (webhook/<id> or parked/<webhook id>/<event id>)` }
}
