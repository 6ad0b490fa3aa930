/**
 * The dashboard API's OpenAPI 3.1 fragment: its paths and schemas, for the host to merge
 * into the replica listen's `/openapi.json` (`dashboardOpenApi()`), and served whole at
 * `/api/dashboard/openapi.json` (`dashboardOpenApiDocument()`).
 */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: object, description: string) => ({ description, content: { "application/json": { schema } } })
const error = (description: string) => json(ref("DashboardError"), description)
const idParam = { name: "id", in: "path", required: true, description: "The service id (1 to 32 UTF-8 bytes).", schema: { type: "string" } }
const operator = [{ bearer: [] }, { apiKey: [] }]

/** The answers every manager action can give besides its success. */
const actionErrors = {
  "400": error("invalid_request naming the field and the rule; nothing was sent to the registry."),
  "401": error("No operator API key, an unknown one, or none configured."),
  "403": error("not_manager: the gateway's manager key is not a manager of the service (rule onlyManagers)."),
  "404": error("unknown_service."),
  "409": error("already_registered, stale_epoch (with last_epoch), already_manager, unknown_manager or last_manager, each naming its rule."),
  "413": error("Body over 16 KiB."),
  "415": error("Content-Type is not application/json."),
  "502": error("The node refused the call, or the address holds no ServiceRegistry."),
  "503": error("manager_key_missing, manager_unfunded, or the node is unavailable (Retry-After)."),
  "504": error("not_confirmed: sent but not confirmed in time; it may still take effect."),
}

const action = (summary: string, body: string | undefined, created = false) => ({
  summary,
  security: operator,
  ...(body === undefined ? {} : { requestBody: { required: true, content: { "application/json": { schema: ref(body) } } } }),
  responses: { [created ? "201" : "200"]: json(ref("ActionResult"), "Confirmed on chain; the record as it is now."), ...actionErrors },
})

const schemas = {
  Service: {
    type: "object",
    required: ["service_id", "location", "epoch", "info", "managers"],
    properties: {
      service_id: { type: "string" },
      location: { type: "string", description: "Where users reach the leader, e.g. http://10.0.0.1:8090." },
      epoch: { type: "string", pattern: "^[0-9]+$", description: "The leader's epoch (uint64, decimal)." },
      info: { type: "string" },
      managers: { type: "array", items: { type: "string", pattern: "^0x[0-9a-f]{40}$" } },
    },
  },
  FeedEntry: {
    type: "object",
    required: ["id", "kind", "service_id", "location", "epoch", "claimant", "block_number", "tx_hash", "confirmed", "removed"],
    properties: {
      id: { type: "string", description: "The log's block hash and index: stable across confirmation and retraction." },
      kind: { enum: ["location", "claim"] },
      service_id: { type: "string" },
      location: { type: "string", description: "The new location, or the one the claimant could not reach." },
      epoch: { type: ["string", "null"] },
      claimant: { type: ["string", "null"] },
      block_number: { type: "integer" },
      tx_hash: { type: "string" },
      confirmed: { type: "boolean" },
      removed: { type: "boolean", description: "Its block was reorged out." },
    },
  },
  Replication: {
    type: ["object", "null"],
    description: "This host's replicated service: its replica's status and every replica's LPI and lag (LogSize - LPI); null without a replica.",
    properties: {
      service: { type: "string" },
      self: { type: "object" },
      replicas: { type: "array", items: { type: "object", properties: { node: { type: "string" }, lpi: { type: "integer" }, lag: { type: "integer" }, leader: { type: "boolean" } } } },
      replicas_error: { type: ["string", "null"] },
    },
  },
  RegisterBody: {
    type: "object",
    required: ["service_id", "location"],
    additionalProperties: false,
    properties: { service_id: { type: "string", minLength: 1 }, location: { type: "string", format: "uri" }, info: { type: "string", maxLength: 1024 } },
  },
  LocationBody: {
    type: "object",
    required: ["location", "epoch"],
    additionalProperties: false,
    properties: { location: { type: "string", format: "uri" }, epoch: { oneOf: [{ type: "string", pattern: "^[0-9]{1,20}$" }, { type: "integer", minimum: 0 }] } },
  },
  InfoBody: { type: "object", required: ["info"], additionalProperties: false, properties: { info: { type: "string", maxLength: 1024 } } },
  ManagerBody: { type: "object", required: ["account"], additionalProperties: false, properties: { account: { type: "string", pattern: "^0x[0-9a-fA-F]{40}$" } } },
  ActionResult: {
    type: "object",
    required: ["action", "service_id", "tx_hash", "block_number", "signer", "service"],
    properties: {
      action: { enum: ["register", "update_location", "update_info", "add_manager", "remove_manager"] },
      service_id: { type: "string" },
      tx_hash: { type: "string" },
      block_number: { type: "integer" },
      signer: { type: ["string", "null"] },
      service: { oneOf: [ref("Service"), { type: "null" }] },
    },
  },
  DashboardError: {
    type: "object",
    required: ["error", "message"],
    properties: { error: { type: "string" }, message: { type: "string" }, field: { type: "string" }, rule: { type: "string" } },
  },
}

/** Paths and schemas of the dashboard API, to merge into a host's OpenAPI document. */
export const dashboardOpenApi = () => ({
  paths: {
    "/api/dashboard/services": {
      get: { summary: "Every registered service, from ServiceRegistered events and reads.", responses: { "200": json({ type: "object", properties: { registry: { type: "string" }, signer: { type: ["string", "null"] }, services: { type: "array", items: ref("Service") } } }, "The services.") } },
      post: action("Register a service; the gateway's manager key becomes its first manager.", "RegisterBody", true),
    },
    "/api/dashboard/services/{id}": {
      parameters: [idParam],
      get: {
        summary: "One service, the replica set its leader published, whether the gateway's key manages it, and this host's replication.",
        responses: {
          "200": json(
            {
              type: "object",
              properties: {
                service: ref("Service"),
                members: { type: ["array", "null"], items: { type: "string" }, description: "The replica URLs the leader published (empty until it did); null when they could not be read, with members_error saying why." },
                members_error: { type: "string" },
                signer: { type: ["string", "null"] },
                signer_is_manager: { type: "boolean" },
                replication: ref("Replication"),
              },
            },
            "The service.",
          ),
          "404": error("unknown_service."),
        },
      },
    },
    "/api/dashboard/services/{id}/location": { parameters: [idParam], post: action("Move the service, with an epoch above the registry's.", "LocationBody") },
    "/api/dashboard/services/{id}/info": { parameters: [idParam], post: action("Replace the service's info.", "InfoBody") },
    "/api/dashboard/services/{id}/managers": { parameters: [idParam], post: action("Add a manager.", "ManagerBody") },
    "/api/dashboard/services/{id}/managers/{account}": {
      parameters: [idParam, { name: "account", in: "path", required: true, schema: { type: "string", pattern: "^0x[0-9a-fA-F]{40}$" } }],
      delete: action("Remove a manager (never the last).", undefined),
    },
    "/api/dashboard/replication": { get: { summary: "This host's replication.", responses: { "200": json({ type: "object", properties: { replication: ref("Replication") } }, "Leader, epoch, LPI and lag.") } } },
    "/api/dashboard/feed": { get: { summary: "Recent location changes and claims, newest first.", responses: { "200": json({ type: "object", properties: { items: { type: "array", items: ref("FeedEntry") } } }, "The feed.") } } },
    "/api/dashboard/feed/stream": {
      get: {
        summary: "The feed as Server-Sent Events: `snapshot` (array of FeedEntry), then one `entry` (FeedEntry) per new or updated entry.",
        responses: { "200": { description: "An event stream.", content: { "text/event-stream": { schema: { type: "string" } } } } },
      },
    },
  },
  components: {
    schemas,
    securitySchemes: {
      bearer: { type: "http", scheme: "bearer", description: "An operator key from the variable [intake].api_keys_env names." },
      apiKey: { type: "apiKey", in: "header", name: "X-API-Key" },
    },
  },
})

/** The fragment as a document of its own. */
export const dashboardOpenApiDocument = () => ({
  openapi: "3.1.0",
  info: { title: "gateway Service Registry Dashboard", version: "1", description: "Reads and manages ServiceRegistry services; actions need an operator key and are signed by the gateway's manager key." },
  ...dashboardOpenApi(),
})
