/**
 * The operations page (paper A's operator): the backlog per partition, each node's
 * in-flight cap, current limit and latency, requests by status over time, and what is
 * stuck, failed or dead-lettered with links to its history. A socket-free Hono app the
 * producer mounts on the intake listen. It sits beside the Service Registry Dashboard
 * because it is the same kind of thing: a server-rendered operator page built from the
 * same escaping template and stylesheet.
 */
export { DEFAULT_OPS_REFRESH_MS, operationsApp } from "./operations-app.ts"
export type { BacklogReading, NodeElsewhere, NodeFigures, OpsDeps, PartitionFigures } from "./ops-deps.ts"
export { opsOpenApiDocument } from "./openapi.ts"
export { defaultStuckAfterMs } from "./stuck.ts"
