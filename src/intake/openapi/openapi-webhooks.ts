/**
 * The webhooks' part of `/openapi.json`: registering, listing, reading and deleting
 * webhooks, listing parked deliveries, and (as a `webhooks` entry, OpenAPI 3.1's place
 * for calls the API makes) the signed event the notifier posts.
 */
import { defaultKeepPreviousS, maxKeepPreviousS, maxRedeliverPerCall, webhookRules, webhookStatuses } from "../validate/validate-webhook.ts"

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (name: string, description: string) => ({ description, content: { "application/json": { schema: ref(name) } } })
const error = (description: string) => json("Error", description)
const idParam = { name: "id", in: "path", required: true, schema: { type: "string" }, description: "Webhook id from the 201 of POST /v1/webhooks." }
const notFound = error("No webhook with this id for this API key (another key's webhook answers the same).")
const unauthorized = error("No or unknown API key.")

/** The webhook routes, for `openApiDocument`. */
export const webhookPaths = (retryAfter: Readonly<Record<string, unknown>>) => ({
  "/v1/webhooks": {
    post: {
      summary: "Register an endpoint for the status changes of this API key's requests.",
      description:
        "Each status change of a request this key submitted, whose status is in `events`, is POSTed to `url` at least once, signed (see the `statusChanged` webhook below). Status changes from before the registration are not sent. Answered only after Kafka acked the registration; a 400 writes nothing.",
      requestBody: { required: true, content: { "application/json": { schema: ref("WebhookRequest"), examples: { final: { value: { url: "https://example.com/gateway-events", events: ["confirmed", "failed", "dlq"] } } } } } },
      responses: {
        "201": { ...json("WebhookCreated", "Registered. The secret is shown only here: keep it to verify deliveries."), headers: { Location: { schema: { type: "string" } } } },
        "400": error(`invalid_json, or invalid_request naming the field and rule: url (${webhookRules.url}, ${webhookRules.credentials}, ${webhookRules.urlLength}), events (${webhookRules.events}, ${webhookRules.status}, ${webhookRules.unique}), no other fields.`),
        "401": unauthorized,
        "422": error("webhook_limit: this key has [webhooks].max_per_key webhooks already; delete one first."),
        "503": { ...error("kafka_unavailable (not registered) or kafka_ambiguous (may have been registered: GET /v1/webhooks to see)."), headers: retryAfter },
      },
    },
    get: {
      summary: "This API key's webhooks (without their secrets).",
      responses: { "200": json("WebhookList", "Oldest first."), "401": unauthorized },
    },
  },
  "/v1/webhooks/{id}": {
    get: { summary: "One of this key's webhooks.", parameters: [idParam], responses: { "200": json("Webhook", "The webhook, without its secret."), "401": unauthorized, "404": notFound } },
    delete: {
      summary: "Delete a webhook and its parked deliveries; deliveries still being retried are dropped.",
      parameters: [idParam],
      responses: { "204": { description: "Deleted." }, "401": unauthorized, "404": notFound, "503": { ...error("Kafka did not take the delete; retry."), headers: retryAfter } },
    },
  },
  "/v1/webhooks/{id}/secret": {
    post: {
      summary: "Rotate the webhook's secret: a new one, shown only in this answer; the replaced one keeps signing beside it (Gateway-Signature carries one v1 entry per secret) for keep_previous_s, so the receiver can switch without refusing a delivery.",
      description: "Not idempotent: each call makes a new secret, and a second rotation within keep_previous_s drops the oldest secret.",
      parameters: [idParam],
      requestBody: { required: true, content: { "application/json": { schema: ref("SecretRotation"), examples: { default: { summary: "Keep the old secret a day", value: {} }, hour: { summary: "Keep it an hour", value: { keep_previous_s: 3600 } } } } } },
      responses: {
        "200": json("SecretRotated", "The new secret; keep it to verify deliveries."),
        "400": error("keep_previous_s out of range, or an unknown field (names the field and rule)."),
        "401": unauthorized,
        "404": notFound,
        "503": { ...error("Kafka did not take the rotation; the secret may or may not have changed (kafka_ambiguous) or did not (kafka_unavailable)."), headers: retryAfter },
      },
    },
  },
  "/v1/webhooks/{id}/deliveries/redeliver": {
    post: {
      summary: "Send parked deliveries again (once the endpoint is fixed): the listed event_ids, or the oldest parked ones, one at a time, signed as the notifier signs; a delivered one is unparked, a failed one stays parked.",
      description: `At least once, as every delivery: the receiver de-duplicates by Gateway-Event-Id. At most ${maxRedeliverPerCall} per call; still_parked says how many are left.`,
      parameters: [idParam],
      requestBody: { required: true, content: { "application/json": { schema: ref("RedeliverRequest"), examples: { oldest: { summary: "The oldest parked ones", value: {} } } } } },
      responses: {
        "200": json("Redelivered", "What became of each."),
        "400": error("event_ids not a non-empty list of distinct ids, or an unknown field (names the field and rule)."),
        "401": unauthorized,
        "404": notFound,
      },
    },
  },
  "/v1/webhooks/{id}/deliveries": {
    get: {
      summary: "Deliveries that failed for [webhooks].retry_for_s and were parked (delivered ones are not kept).",
      parameters: [idParam, { name: "state", in: "query", schema: { enum: ["parked"], default: "parked" } }],
      responses: { "200": json("ParkedDeliveries", "Oldest first."), "400": error("A state other than parked."), "401": unauthorized, "404": notFound },
    },
  },
})

/** The signed POST the notifier sends, as an OpenAPI 3.1 `webhooks` entry. */
export const webhookCallbacks = () => ({
  statusChanged: {
    post: {
      summary: "A status change of one of your requests.",
      description:
        "Sent at least once: answer any 2xx within [webhooks].timeout_ms, and de-duplicate by Gateway-Event-Id. Anything else (another status, a redirect, a timeout, a refused connection) is retried with backoff (1 s doubling to 5 min, jittered) until [webhooks].retry_for_s after the first attempt, then parked. " +
        "Verify before parsing: Gateway-Signature is `v1=<hex>`, HMAC-SHA256 with the webhook's secret over `<Gateway-Timestamp>.<raw body>`; refuse timestamps more than 5 minutes from your clock.",
      parameters: [
        { name: "Gateway-Event-Id", in: "header", required: true, schema: { type: "string" }, description: "`<request id>:<revision>`: the same for every redelivery of one status change." },
        { name: "Gateway-Timestamp", in: "header", required: true, schema: { type: "string" }, description: "Unix seconds when this attempt was signed." },
        { name: "Gateway-Signature", in: "header", required: true, schema: { type: "string" }, description: "`v1=<hex>`, several comma-separated while a secret rotates; one match is enough." },
        { name: "Gateway-Webhook-Id", in: "header", required: true, schema: { type: "string" } },
      ],
      requestBody: { required: true, content: { "application/json": { schema: ref("WebhookEvent") } } },
      responses: { "200": { description: "Any 2xx: delivered." } },
    },
  },
})

/** The webhook schemas, merged into `components.schemas`. */
export const webhookSchemas = () => {
  const events = { type: "array", minItems: 1, uniqueItems: true, items: { enum: [...webhookStatuses] } }
  const webhook = {
    type: "object",
    required: ["id", "url", "events", "created_at"],
    properties: {
      id: { type: "string" },
      url: { type: "string", format: "uri" },
      events,
      created_at: { type: "integer", description: "Epoch ms." },
      rotated_at: { type: "integer", description: "Epoch ms of the last secret rotation, if any." },
      previous_secret_until: { type: "integer", description: "Epoch ms until which the replaced secret still signs, if one does." },
      parked: { type: "integer", description: "Parked deliveries of this webhook." },
    },
  }
  return {
    WebhookRequest: { type: "object", required: ["url", "events"], additionalProperties: false, properties: { url: { type: "string", format: "uri", maxLength: 2048, description: "http:// or https://, without user or password." }, events } },
    WebhookCreated: { ...webhook, required: ["id", "url", "events", "created_at", "secret"], properties: { ...webhook.properties, secret: { type: "string", description: "`whsec_` and 43 base64url characters; shown only in this answer." } } },
    Webhook: webhook,
    RedeliverRequest: {
      type: "object",
      additionalProperties: false,
      properties: { event_ids: { type: "array", minItems: 1, maxItems: maxRedeliverPerCall, uniqueItems: true, items: { type: "string" }, description: "Parked deliveries to send again; left out: the oldest parked ones." } },
    },
    Redelivered: {
      type: "object",
      required: ["webhook_id", "delivered", "still_parked", "results"],
      properties: {
        webhook_id: { type: "string" },
        delivered: { type: "integer" },
        still_parked: { type: "integer", description: "Parked deliveries of this webhook after the call." },
        results: {
          type: "array",
          items: { type: "object", required: ["event_id", "outcome"], properties: { event_id: { type: "string" }, outcome: { enum: ["delivered", "still-parked", "not-parked"] }, detail: { type: "string" } } },
        },
      },
    },
    SecretRotation: {
      type: "object",
      additionalProperties: false,
      properties: { keep_previous_s: { type: "integer", minimum: 0, maximum: maxKeepPreviousS, default: defaultKeepPreviousS, description: "Seconds the replaced secret keeps signing beside the new one; 0 ends it at once." } },
    },
    SecretRotated: {
      type: "object",
      required: ["id", "secret", "rotated_at", "previous_secret_until"],
      properties: {
        id: { type: "string" },
        secret: { type: "string", description: "The new secret; shown only in this answer." },
        rotated_at: { type: "integer", description: "Epoch ms." },
        previous_secret_until: { type: ["integer", "null"], description: "Epoch ms until which the replaced secret still signs; null when it stopped at once." },
      },
    },
    WebhookList: { type: "object", required: ["webhooks"], properties: { webhooks: { type: "array", items: ref("Webhook") } } },
    WebhookEvent: {
      type: "object",
      required: ["id", "type", "created_at", "data"],
      properties: {
        id: { type: "string", description: "`<request id>:<revision>`, as in Gateway-Event-Id." },
        type: { enum: webhookStatuses.map((s) => `request.${s}`) },
        created_at: { type: "integer", description: "When the status changed, epoch ms." },
        data: { type: "object", description: "The request's status record (as GET /v1/requests/{id} answers it, without history), without signed transaction bytes." },
      },
    },
    ParkedDeliveries: {
      type: "object",
      required: ["webhook_id", "state", "deliveries"],
      properties: {
        webhook_id: { type: "string" },
        state: { const: "parked" },
        deliveries: {
          type: "array",
          items: {
            type: "object",
            properties: {
              event_id: { type: "string" },
              url: { type: "string" },
              attempts: { type: "integer" },
              first_attempt_at: { type: "integer" },
              parked_at: { type: "integer" },
              last_error: { type: "string", description: "The last attempt's outcome, e.g. `HTTP 500` or `no answer within 10000 ms`." },
              event: ref("WebhookEvent"),
            },
          },
        },
      },
    },
  }
}
