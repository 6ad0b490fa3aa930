/**
 * The intake's OpenAPI 3.1 document, served at `/openapi.json`. Written as data next to
 * the routes so a client generator or schemathesis can be pointed at a running intake;
 * the schemas live in `openapi-schemas.ts`.
 */
import { sampleAddresses } from "../validate/sample-addresses.ts"
import { devRecipient, devSigner } from "../validate/sample-transactions.ts"
import { readPaths } from "./openapi-reads.ts"
import { webhookCallbacks, webhookPaths, webhookSchemas } from "./openapi-webhooks.ts"
import { openApiSchemas } from "./openapi-schemas.ts"
import { listableStatuses, listLimits } from "../../status/list-query.ts"
import { batchPageLimits } from "../routes/status-routes.ts"

const schema = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (name: string, description: string) => ({ description, content: { "application/json": { schema: schema(name) } } })
const error = (description: string) => json("Error", description)
const retryAfter = { "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer" } } }
const unavailable = {
  ...error(
    "not_ready (Kafka not connected or unreachable, see /readyz), overloaded (backlog above the breaker) or kafka_unavailable (nothing was handed to Kafka within [intake].accept_timeout_ms): NOT accepted, retry. " +
      "kafka_ambiguous: handed to Kafka without an ack in time (or failed after the send), so it MAY have been accepted: retry with the same Idempotency-Key, which never runs it twice; without one, look up `id` (batch: `ambiguous_ids`) at its status_url before resending.",
  ),
  headers: retryAfter,
}

/** The answer of a key over its rate; the RateLimit-* headers also come with every answer a limited route accepts. */
const rateLimited = {
  ...error("rate_limited: this API key is over its share of [intake].rate_limit_rps on this host (each producer host enforces an even share); nothing was accepted. A batch larger than the key's burst never fits: split it."),
  headers: {
    ...retryAfter,
    "RateLimit-Limit": { description: "The key's burst on this host.", schema: { type: "integer" } },
    "RateLimit-Remaining": { description: "Requests the key may still send at once.", schema: { type: "integer" } },
    "RateLimit-Reset": { description: "Seconds until the key's bucket is full again.", schema: { type: "integer" } },
  },
}

const submissionErrors = (tooLarge: string) => ({
  "400": error("invalid_json, or invalid_request naming each field and rule broken; nothing was accepted."),
  "401": { ...error("No or unknown API key, or none configured."), headers: { "WWW-Authenticate": { schema: { type: "string" } } } },
  "413": error(tooLarge),
  "415": error("Content-Type is not application/json."),
  "422": error("idempotency_key_reused: the Idempotency-Key was used with a different body."),
  "429": rateLimited,
  "503": unavailable,
})

const idempotencyKey = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description:
    "1 to 255 printable ASCII characters. The id is derived from sha256(api key + \":\" + this key), so a retry (even at another intake host) gets the same id: if this intake's status view knows it, the answer is 200 with its status and nothing is published again; a repeat that arrives while this intake is still publishing the first waits for it and answers the same (200, or the same 503), publishing nothing.",
  schema: { type: "string", minLength: 1, maxLength: 255 },
}

const idParam = (what: string) => ({ name: "id", in: "path", required: true, schema: { type: "string" }, description: what })

/** Builds the document for this intake's version and limits. */
export const openApiDocument = (version: string, limits: { readonly maxBatchItems: number; readonly maxBodyBytes: number }) => {
  const sim = sampleAddresses("simnet")
  const tooLarge = `Body over ${limits.maxBodyBytes} bytes.`
  return {
    openapi: "3.1.0",
    info: {
      title: "gateway intake",
      version,
      description:
        "Accepts blockchain transfer and contract-call requests, stores them durably in Kafka (acks=all), and reports their status; serves chain reads from a cache over the same protected nodes. A 202 is sent only after Kafka acked; a 4xx means nothing was accepted, and a 503 says what, if anything, was queued.",
    },
    security: [{ bearer: [] }, { apiKey: [] }],
    paths: {
      "/v1/requests": {
        get: {
          summary: "List requests, oldest first, by status, sender, chain and time: what is stuck, what failed.",
          parameters: [
            { name: "status", in: "query", schema: { enum: [...listableStatuses] }, description: "Only requests in this status." },
            { name: "sender", in: "query", schema: { type: "string" }, description: "Only this Bitcoin account or Ethereum address." },
            { name: "chain", in: "query", schema: { enum: ["bitcoin", "ethereum"] } },
            { name: "since", in: "query", schema: { type: "string" }, description: "Only requests first seen at or after this time: epoch ms or ISO 8601." },
            { name: "cursor", in: "query", schema: { type: "string" }, description: "The `next` cursor of the previous page." },
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: listLimits.maxLimit, default: listLimits.defaultLimit } },
          ],
          responses: { "200": json("RequestList", "One page of requests and the next page's URL."), "400": error("A query parameter breaks its rule; the message names it."), "401": error("No or unknown API key.") },
        },
        post: {
          summary: "Submit one request.",
          parameters: [idempotencyKey],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: schema("RequestBody"),
                examples: {
                  sendtoaddress: { value: { chain: "bitcoin", method: "sendtoaddress", params: { address: sim.p2wpkh, amount: "0.1" } } },
                  sendmany: { value: { chain: "bitcoin", method: "sendmany", params: { account: "payroll", amounts: { [sim.p2pkh]: "0.5", [sim.p2tr]: "1.25" } } } },
                  transfer: { value: { chain: "ethereum", method: "transfer", params: { from: devSigner, to: devRecipient, value: "1000000000000000000" } } },
                  call: {
                    value: { chain: "ethereum", method: "call", params: { from: devSigner, to: devRecipient, abi: "function transfer(address to, uint256 amount)", args: [devSigner, "1000"] } },
                  },
                },
              },
            },
          },
          responses: {
            "202": json("Accepted", "Acked by Kafka (acks=all): the request will take effect exactly once."),
            "200": json("Accepted", "Idempotent repeat: the request was accepted before; its current status."),
            ...submissionErrors(tooLarge),
          },
        },
      },
      "/v1/batches": {
        post: {
          summary: `Submit 1 to ${limits.maxBatchItems} requests at once (airdrop, payroll): all valid or none accepted.`,
          parameters: [idempotencyKey],
          requestBody: { required: true, content: { "application/json": { schema: schema("BatchBody") } } },
          responses: {
            "202": json("BatchAccepted", "Every request acked by Kafka."),
            "200": json("BatchAccepted", "Idempotent repeat: every request was accepted before."),
            ...submissionErrors(tooLarge),
          },
        },
      },
      "/v1/requests/{id}": {
        get: {
          summary: "The latest status of a request, and its transitions.",
          parameters: [idParam("Request id from a 202.")],
          responses: { "200": json("RequestStatus", "The latest status record, with its history."), "401": error("No or unknown API key."), "404": error("Unknown id (or not yet in this intake's view).") },
        },
        delete: {
          summary: "Cancel a request: skipped if not yet signed; an Ethereum transaction signed but not mined is replaced at its nonce by a zero-value self-transfer with higher fees (best effort); the final status (cancelled or confirmed) says which was mined.",
          parameters: [idParam("Request id from a 202.")],
          responses: {
            "202": json("CancelAccepted", "The cancel is recorded (acks=all); follow status_url. A repeat answers the same, with replayed: true."),
            "401": error("No or unknown API key."),
            "404": error("Unknown id (or not yet in this intake's view)."),
            "409": error("not_cancellable: the request is already final, or it is a Bitcoin payment already signed or broadcast, which cannot be called back."),
            "429": rateLimited,
            "503": { ...error("kafka_unavailable: the cancel was not recorded, retry. kafka_ambiguous: it may have been recorded; repeating the DELETE is harmless."), headers: retryAfter },
          },
        },
      },
      "/v1/batches/{id}": {
        get: {
          summary: "Counts per status and one page of a batch's request ids.",
          parameters: [
            idParam("Batch id from a 202."),
            { name: "offset", in: "query", schema: { type: "integer", minimum: 0, default: 0 } },
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: batchPageLimits.maxLimit, default: batchPageLimits.defaultLimit } },
            { name: "status", in: "query", schema: schema("Status"), description: "List only ids in this status." },
          ],
          responses: { "200": json("BatchStatus", "Counts and a page of ids."), "400": error("Bad offset, limit or status."), "401": error("No or unknown API key."), "404": error("Unknown batch.") },
        },
      },
      ...readPaths(retryAfter, rateLimited),
      ...webhookPaths(retryAfter),
      "/healthz": { get: { summary: "Liveness: the process is up.", security: [], responses: { "200": { description: "Alive." } } } },
      "/readyz": {
        get: {
          summary: "Readiness of this host: every check of its roles (the producer reaches Kafka, the consumer holds its group membership, the replica reaches etcd).",
          security: [],
          responses: {
            "200": json("Readiness", "Ready: every check is ok."),
            "503": { ...json("Readiness", "Not ready: the body names each failing check, why and since when."), headers: retryAfter },
          },
        },
      },
      "/metrics": {
        get: { summary: "Prometheus metrics.", security: [], responses: { "200": { description: "Text exposition format.", content: { "text/plain": { schema: { type: "string" } } } } } },
      },
      "/openapi.json": { get: { summary: "This document.", security: [], responses: { "200": { description: "OpenAPI 3.1.", content: { "application/json": {} } } } } },
    },
    webhooks: webhookCallbacks(),
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "Authorization: Bearer <key>; keys come from the env var named by [intake].api_keys_env." },
        apiKey: { type: "apiKey", in: "header", name: "X-API-Key" },
      },
      schemas: { ...openApiSchemas(limits), ...webhookSchemas() },
    },
  }
}
