/**
 * The JSON Schema of the `/readyz` body (`readinessAnswer`), shared by the intake's and
 * the replica listen's OpenAPI documents, since both report the same host registry.
 */

/** The checks a host may register, by role, for the documents' descriptions. */
export const readinessCheckNames = {
  "producer.kafka": "producer role: a metadata request to the Kafka cluster answers (every second) and the last produce request went through",
  "consumer.group": "consumer role: the Kafka consumer holds its group membership (joined, and heartbeats answered within the session timeout)",
  "replica.etcd": "replica role: etcd answers this replica's lease grant and keep-alives",
} as const

/** The body of a `/readyz` answer, 200 or 503. */
export const readinessSchema = {
  type: "object",
  required: ["status", "checks"],
  properties: {
    status: { type: "string", enum: ["ready", "not ready"] },
    message: { type: "string", description: "Only when not ready: each failing check and why, in one line." },
    failing: { type: "array", items: { type: "string" }, description: "Only when not ready: the names of the failing checks." },
    checks: {
      type: "array",
      description: "Every check of this host's roles; the host is ready when all are ok.",
      items: {
        type: "object",
        required: ["name", "state", "since"],
        properties: {
          name: {
            type: "string",
            description: Object.entries(readinessCheckNames).map(([name, what]) => `${name}: ${what}`).join("; "),
          },
          state: { type: "string", enum: ["ok", "failing"] },
          since: { type: "string", format: "date-time", description: "When the check entered this state." },
          reason: { type: "string", description: "Why a failing check fails." },
        },
      },
    },
  },
} as const
