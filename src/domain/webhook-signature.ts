/**
 * How a webhook delivery is signed, and how its receiver checks it. One module for both
 * sides, so the notifier that signs and the client SDK that verifies cannot drift apart.
 *
 * A delivery carries three headers:
 *
 * - `Gateway-Event-Id`: the event's id (`<request id>:<revision>`); a receiver that has
 *   seen it already acknowledges and ignores it (delivery is at least once);
 * - `Gateway-Timestamp`: when this attempt was signed, in Unix seconds;
 * - `Gateway-Signature`: `v1=<hex>` where hex is HMAC-SHA256 with the webhook's secret
 *   over `<timestamp>.<raw body>`. While a secret is being rotated it may carry several
 *   `v1=` entries, comma-separated; one match is enough.
 *
 * Signing the timestamp with the body lets a receiver refuse a replayed old delivery:
 * `verifyWebhook` accepts a timestamp within `toleranceS` (default 300 s) of its clock.
 */
import { createHmac, timingSafeEqual } from "node:crypto"

/** The header names, lower-case as `Headers` reports them. */
export const WEBHOOK_HEADERS = {
  eventId: "gateway-event-id",
  timestamp: "gateway-timestamp",
  signature: "gateway-signature",
  webhookId: "gateway-webhook-id",
} as const

/** The scheme tag of the current signature version. */
const SCHEME = "v1"

/** How far a delivery's timestamp may be from the receiver's clock, by default. */
export const DEFAULT_TOLERANCE_S = 300

/** The hex HMAC-SHA256 of `<timestamp>.<body>` under `secret`. */
export const webhookDigest = (secret: string, timestampS: number, body: string): string =>
  createHmac("sha256", secret).update(`${timestampS}.${body}`).digest("hex")

/** The `Gateway-Signature` value for one delivery attempt, one entry per secret. */
export const signatureHeader = (secrets: ReadonlyArray<string>, timestampS: number, body: string): string =>
  secrets.map((secret) => `${SCHEME}=${webhookDigest(secret, timestampS, body)}`).join(",")

/** The headers a delivery attempt carries besides its content type. */
export const signedHeaders = (args: { readonly webhookId: string; readonly eventId: string; readonly secrets: ReadonlyArray<string>; readonly body: string; readonly nowS: number }): Record<string, string> => ({
  [WEBHOOK_HEADERS.webhookId]: args.webhookId,
  [WEBHOOK_HEADERS.eventId]: args.eventId,
  [WEBHOOK_HEADERS.timestamp]: String(args.nowS),
  [WEBHOOK_HEADERS.signature]: signatureHeader(args.secrets, args.nowS, args.body),
})

/** Why a delivery was refused; `message` says what to check. */
export type WebhookRejection =
  | { readonly reason: "missing-header"; readonly message: string }
  | { readonly reason: "stale-timestamp"; readonly message: string }
  | { readonly reason: "bad-signature"; readonly message: string }

/** A verified delivery: its event id and the signed time. */
export interface VerifiedWebhook {
  readonly eventId: string
  readonly timestampS: number
}

/** Reads a header from a `Headers` or a plain lower- or mixed-case record. */
const headerOf = (headers: Headers | Readonly<Record<string, string | undefined>>, name: string): string | undefined => {
  if (headers instanceof Headers) return headers.get(name) ?? undefined
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value
  return undefined
}

/** Constant-time comparison of two hex digests of possibly different lengths. */
const sameDigest = (a: string, b: string): boolean => {
  const left = Buffer.from(a, "utf8")
  const right = Buffer.from(b, "utf8")
  return left.length === right.length && timingSafeEqual(left, right)
}

/**
 * Checks one delivery against the webhook's secret: the three headers are present, the
 * timestamp is within `toleranceS` of `nowS`, and one `v1=` entry is the HMAC of
 * `<timestamp>.<body>`. `body` must be the raw text received, before any JSON parse.
 */
export const verifyWebhook = (args: {
  readonly secret: string
  readonly headers: Headers | Readonly<Record<string, string | undefined>>
  readonly body: string
  readonly nowS?: number
  readonly toleranceS?: number
}): VerifiedWebhook | WebhookRejection => {
  const eventId = headerOf(args.headers, WEBHOOK_HEADERS.eventId)
  const stamp = headerOf(args.headers, WEBHOOK_HEADERS.timestamp)
  const signature = headerOf(args.headers, WEBHOOK_HEADERS.signature)
  const missing = [
    eventId === undefined ? "Gateway-Event-Id" : undefined,
    stamp === undefined ? "Gateway-Timestamp" : undefined,
    signature === undefined ? "Gateway-Signature" : undefined,
  ].filter((name) => name !== undefined)
  if (eventId === undefined || stamp === undefined || signature === undefined) {
    return { reason: "missing-header", message: `the delivery has no ${missing.join(", ")} header; was it sent by the gateway's notifier?` }
  }
  const timestampS = Number(stamp)
  const nowS = args.nowS ?? Math.floor(Date.now() / 1000)
  const toleranceS = args.toleranceS ?? DEFAULT_TOLERANCE_S
  if (!/^\d+$/.test(stamp) || Math.abs(nowS - timestampS) > toleranceS) {
    return { reason: "stale-timestamp", message: `Gateway-Timestamp ${stamp} is more than ${toleranceS} s from this clock (${nowS}); a replayed delivery, or a clock to fix` }
  }
  const expected = webhookDigest(args.secret, timestampS, args.body)
  const offered = signature.split(",").map((part) => part.trim()).filter((part) => part.startsWith(`${SCHEME}=`)).map((part) => part.slice(SCHEME.length + 1))
  if (!offered.some((digest) => sameDigest(digest, expected))) {
    return { reason: "bad-signature", message: "no v1 signature matches this secret over the raw body; check the secret, and verify the body before parsing it" }
  }
  return { eventId, timestampS }
}

/** Narrows `verifyWebhook`'s answer. */
export const isWebhookRejection = (answer: VerifiedWebhook | WebhookRejection): answer is WebhookRejection => "reason" in answer
