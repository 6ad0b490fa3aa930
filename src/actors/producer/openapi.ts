/**
 * The intake's OpenAPI 3.1 document, served at `/openapi.json`. Written as data next to
 * the routes so a client generator or schemathesis can be pointed at a running intake.
 */

/** Builds the document for this intake's version. */
export const openApiDocument = (version: string) => ({
  openapi: "3.1.0",
  info: {
    title: "gateway intake",
    version,
    description: "Accepts blockchain transfer and contract-call requests, stores them durably in Kafka, and reports their status.",
  },
  paths: {
    "/healthz": {
      get: { summary: "Liveness: the process is up.", responses: { "200": { description: "Alive." } } },
    },
    "/readyz": {
      get: {
        summary: "Readiness: Kafka is connected and the topics exist, so a request can be accepted.",
        responses: { "200": { description: "Ready." }, "503": { description: "Not ready; retry later." } },
      },
    },
    "/metrics": {
      get: { summary: "Prometheus metrics.", responses: { "200": { description: "Text exposition format.", content: { "text/plain": {} } } } },
    },
  },
})
