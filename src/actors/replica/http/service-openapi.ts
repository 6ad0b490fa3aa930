/**
 * The sample service's OpenAPI 3.1 document, served at `/openapi.json`: paper B's
 * Table 2 service (each request appends a number to a replicated list), as data next
 * to the routes.
 */
import { readinessSchema } from "../../../host/readiness-schema.ts"
import { defaultDedupeCapacity } from "../dedupe.ts"
import { maxRequestIdLength } from "./number-request.ts"

const json = (schema: unknown, description: string) => ({ description, content: { "application/json": { schema } } })
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const retryAfter = { "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer" } } }
const unavailable = (what: string) => ({ ...json(ref("Error"), what), headers: retryAfter })

/** Builds the document for this build's version. */
export const serviceOpenApi = (version: string) => ({
  openapi: "3.1.0",
  info: {
    title: "gateway replicated sample service",
    version,
    description:
      "Paper B's Table 2 service: every accepted number is appended, through the etcd request log, to the list on every replica, in the same order. Only the elected leader accepts; find it in the ServiceRegistry (getServiceLocation) or follow a 421's leader.",
  },
  paths: {
    "/v1/numbers": {
      post: {
        summary: "Append a number; answered once it is applied on this (leader) replica.",
        parameters: [
          {
            name: "Gateway-Forward",
            in: "header",
            required: false,
            schema: { enum: ["leader"] },
            description: "`leader`: a follower that knows the leader relays the request there and answers with the leader's answer (header Gateway-Forwarded-To names it) instead of a 421; when that leader does not answer, the follower waits for the next leader (or to lead) and relays there, within the submit timeout, under the same request id. A relayed request is never relayed again.",
          },
        ],
        requestBody: { required: true, content: { "application/json": { schema: ref("NumberRequest") } } },
        responses: {
          "200": json(ref("Applied"), "Applied. A repeated request_id answers with its first index and duplicate: true; it is never applied twice."),
          "400": json(ref("InvalidRequest"), "invalid_request naming the field and the rule; nothing was applied."),
          "413": json(ref("Error"), "Body too large; nothing was applied."),
          "421": json(ref("NotLeader"), "This replica is not the leader; send the request (same request_id) to `leader.location`, or look it up in the registry when null."),
          "503": unavailable("not_serving (catching up, stopped), overloaded, timeout (outcome unknown), or leader_unreachable (a relayed request that reached no leader: nothing applied): retry with the same request_id."),
        },
      },
      get: { summary: "This replica's applied list, in log order.", responses: { "200": json(ref("Numbers"), "The list and this replica's latest processed index.") } },
    },
    "/v1/requests/{request_id}": {
      get: {
        summary: "Whether a request was applied on this replica, without applying it: how a client that gave up learns the outcome.",
        parameters: [{ name: "request_id", in: "path", required: true, schema: ref("RequestId") }],
        responses: {
          "200": json(ref("AppliedRequest"), "Applied, at `index` (its first application), as of this replica's `lpi`."),
          "400": json(ref("InvalidRequest"), "invalid_request: not a request id."),
          "404": json(
            ref("UnknownRequest"),
            `unknown_request: not in this replica's dedupe window (the last ${defaultDedupeCapacity} requests applied) as of \`lpi\`; never applied, not yet applied, or forgotten. Ask the serving leader.`,
          ),
        },
      },
    },
    "/v1/replica": { get: { summary: "This replica's status: role, epoch, leader, LPI, LogSize, lag.", responses: { "200": json({ type: "object" }, "ReplicaStatus") } } },
    "/v1/replicas": {
      get: {
        summary: "Every live replica of the service, from etcd.",
        responses: { "200": json({ type: "array", items: ref("Peer") }, "One row per replica with a live LPI key."), "503": unavailable("etcd unavailable or this replica stopped.") },
      },
    },
    "/healthz": { get: { summary: "The process answers.", responses: { "200": json({ type: "object" }, "ok") } } },
    "/readyz": {
      get: {
        summary: "Readiness of this host: every check of its roles (the replica reaches etcd; on a host that also runs them, the producer reaches Kafka and the consumer holds its group membership).",
        responses: {
          "200": json(ref("Readiness"), "Ready: every check is ok."),
          "503": { ...json(ref("Readiness"), "Not ready: the body names each failing check, why and since when."), headers: retryAfter },
        },
      },
    },
    "/metrics": { get: { summary: "Prometheus metrics.", responses: { "200": { description: "text/plain; version=0.0.4" } } } },
  },
  components: {
    schemas: {
      Readiness: { ...readinessSchema, properties: { ...readinessSchema.properties, node: { type: "string" }, role: { type: "string", description: "This replica's role (leader; paused: a leader whose lease renewal is overdue, holding requests until it resumes or steps down; follower, catching-up, ended, stopped)." } } },
      NumberRequest: {
        type: "object",
        additionalProperties: false,
        required: ["request_id", "number"],
        properties: {
          request_id: { ...ref("RequestId"), description: "Reuse it when retrying: the number is applied once." },
          number: { type: "integer", minimum: -9007199254740991, maximum: 9007199254740991 },
        },
      },
      RequestId: { type: "string", minLength: 1, maxLength: maxRequestIdLength, pattern: "^[\\x21-\\x7e]+$" },
      AppliedRequest: {
        type: "object",
        required: ["request_id", "index", "node", "lpi"],
        properties: { request_id: { type: "string" }, index: { type: "integer" }, node: { type: "string" }, lpi: { type: "integer" } },
      },
      UnknownRequest: {
        type: "object",
        properties: { error: { const: "unknown_request" }, request_id: { type: "string" }, node: { type: "string" }, lpi: { type: "integer" }, message: { type: "string" } },
      },
      Applied: {
        type: "object",
        required: ["request_id", "index", "node", "epoch", "duplicate"],
        properties: { request_id: { type: "string" }, index: { type: "integer" }, node: { type: "string" }, epoch: { type: ["integer", "null"] }, duplicate: { type: "boolean" } },
      },
      Numbers: { type: "object", properties: { node: { type: "string" }, lpi: { type: "integer" }, numbers: { type: "array", items: { type: "integer" } } } },
      Peer: { type: "object", properties: { node: { type: "string" }, lpi: { type: "integer" }, lag: { type: "integer" }, leader: { type: "boolean" } } },
      NotLeader: {
        type: "object",
        properties: {
          error: { const: "not_leader" },
          reason: { type: "string" },
          leader: { oneOf: [{ type: "null" }, { type: "object", properties: { node: { type: "string" }, location: { type: "string" } } }] },
          message: { type: "string" },
        },
      },
      InvalidRequest: {
        type: "object",
        properties: { error: { const: "invalid_request" }, field: { type: "string" }, rule: { type: "string" }, issues: { type: "array" }, message: { type: "string" } },
      },
      Error: { type: "object", properties: { error: { type: "string" }, message: { type: "string" } } },
    },
  },
})
