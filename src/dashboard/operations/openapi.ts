/**
 * The operations page's JSON API as an OpenAPI 3.1 document, served at
 * `/ops/api/openapi.json` (the intake's own document stays the client API's). The
 * overview is figures only, as open as `/metrics`; the attention list names requests,
 * so it takes an intake API key like `/v1`.
 */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: object, description: string) => ({ description, content: { "application/json": { schema } } })
const int = { type: "integer" }
const str = { type: "string" }
const statuses = ["accepted", "intent", "signed", "submitted", "confirmed", "failed", "dlq", "cancelled"]

const schemas = {
  Overview: {
    type: "object",
    required: ["host", "roles", "at", "backlog", "dlq", "nodes", "nodes_elsewhere", "counts", "series", "event_loop"],
    properties: {
      host: { ...str, description: "This host's name (--host)." },
      roles: { type: "array", items: str, description: "The roles this process runs." },
      at: { ...int, description: "When the figures were read (epoch ms)." },
      backlog: {
        type: "object",
        required: ["topic", "group", "total", "read_at", "partitions"],
        properties: {
          topic: str,
          group: str,
          total: { ...int, description: "Messages not yet committed by the group, over every partition (what the intake's backlog breaker watches)." },
          read_at: { type: ["integer", "null"], description: "When the intake last read it from Kafka (epoch ms); null before the first read." },
          partitions: { type: "array", items: ref("PartitionBacklog") },
        },
      },
      dlq: { type: "object", properties: { topic: str, messages: { type: ["integer", "null"], description: "Messages the DLQ topic holds (read every 5 s); null before the first read." } } },
      nodes: { type: "array", items: ref("NodeThrottle"), description: "The node throttles of this process; empty without the consumer role." },
      nodes_elsewhere: {
        type: "array",
        description: "Configured nodes this process does not throttle, so it has no figures for them.",
        items: { type: "object", properties: { name: str, chain: str, cap: int, hosts: { type: "array", items: str } } },
      },
      counts: { type: "object", properties: Object.fromEntries(statuses.map((s) => [s, int])), description: "Requests per status in this host's status view." },
      series: {
        type: "object",
        description: "The in-memory samples behind /ops/chart.svg.",
        properties: { samples: int, every_ms: int, from: { type: ["integer", "null"] }, to: { type: ["integer", "null"] } },
      },
      event_loop: {
        type: ["object", "null"],
        description: "How late this process's event loop ran a timer asked for every 20 ms, over the last window_s seconds (p99 and worst, in ms). Late means this host is short of CPU, and every node latency reads high with it. Null when not watched.",
        properties: { p99_ms: { type: "number" }, max_ms: { type: "number" }, ticks: int, window_s: int },
      },
    },
  },
  PartitionBacklog: {
    type: "object",
    required: ["partition", "end", "committed", "backlog"],
    properties: {
      partition: int,
      end: { ...int, description: "High watermark." },
      committed: { ...int, description: "The group's committed offset; -1 when it committed nothing there." },
      backlog: int,
    },
  },
  NodeThrottle: {
    type: "object",
    required: ["name", "chain", "cap", "limit", "adaptive", "in_flight", "peak_in_flight", "latency_ms", "breaker", "calls", "failures"],
    properties: {
      name: str,
      chain: { enum: ["bitcoin", "ethereum"] },
      cap: { ...int, description: "The configured max_in_flight." },
      limit: { ...int, description: "The in-flight cap in force now (the adaptive policy's, when adaptive is on)." },
      adaptive: { type: "boolean" },
      in_flight: int,
      peak_in_flight: int,
      latency_ms: { type: ["number", "null"], description: "Smoothed latency of healthy calls; null before the first." },
      breaker: { enum: ["closed", "open", "half-open"] },
      calls: int,
      failures: int,
    },
  },
  AttentionItem: {
    type: "object",
    required: ["id", "status", "chain", "sender", "partition", "at", "age_ms"],
    properties: {
      id: str,
      status: { enum: statuses },
      chain: { enum: ["bitcoin", "ethereum"] },
      sender: str,
      partition: int,
      at: { ...int, description: "When its latest record was written (epoch ms)." },
      age_ms: { ...int, description: "How long it has been in that status." },
      reason: str,
      txid: str,
      node: str,
    },
  },
  Attention: {
    type: "object",
    required: ["at", "stuck_after_s", "stuck", "failed", "dlq", "totals", "limit"],
    properties: {
      at: int,
      stuck_after_s: int,
      stuck: { type: "array", items: ref("AttentionItem"), description: "accepted, signed or submitted at least stuck_after_s since their last change, longest first." },
      failed: { type: "array", items: ref("AttentionItem"), description: "Failed in the last hour, newest first." },
      dlq: { type: "array", items: ref("AttentionItem"), description: "Dead-lettered in the last hour, newest first." },
      totals: { type: "object", properties: { failed: int, dlq: int }, description: "How many the status view holds in all." },
      limit: { ...int, description: "Most rows per list." },
    },
  },
  Error: { type: "object", required: ["error", "message"], properties: { error: str, message: str } },
}

/** The document served at `/ops/api/openapi.json`. */
export const opsOpenApiDocument = () => ({
  openapi: "3.1.0",
  info: { title: "gateway operations page", version: "1", description: "What the operations page at /ops reads: the backlog per partition, the node throttles, requests by status, and what is stuck, failed or dead-lettered." },
  paths: {
    "/ops/api/overview": { get: { summary: "Backlog per partition, node throttles, counts per status and the chart's sampling.", responses: { "200": json(ref("Overview"), "The figures.") } } },
    "/ops/api/attention": {
      get: {
        summary: "The presented key's requests (and records older than owners) that are stuck, failed or dead-lettered, each with its reason; links go to /ops/requests/{id} and /v1/requests/{id}.",
        security: [{ bearer: [] }, { apiKey: [] }],
        parameters: [{ name: "stuck_after_s", in: "query", required: false, description: "Seconds in accepted/signed/submitted before a request counts as stuck (1 to 86400; default 120).", schema: int }],
        responses: { "200": json(ref("Attention"), "The lists."), "401": json(ref("Error"), "No API key, an unknown one, or none configured.") },
      },
    },
    "/ops/chart.svg": { get: { summary: "Requests by status over time, as SVG.", responses: { "200": { description: "The chart.", content: { "image/svg+xml": { schema: str } } } } } },
  },
  components: {
    schemas,
    securitySchemes: {
      bearer: { type: "http", scheme: "bearer", description: "One of the intake's API keys, from the variable [intake].api_keys_env names." },
      apiKey: { type: "apiKey", in: "header", name: "X-API-Key" },
    },
  },
})
