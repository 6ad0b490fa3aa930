/**
 * The Service Registry Dashboard (paper B): lists the registry's services, shows who
 * leads this host's replicated service with each replica's lag and the epoch, streams
 * location changes and claims, and lets operators run manager actions signed by the
 * gateway's manager key. A socket-free Hono app the host mounts on its replica listen.
 */
export { dashboardApp, DEFAULT_REFRESH_MS } from "./dashboard-app.ts"
export type { ActionError, ActionReceipt, DashboardDeps, DashboardFeed, DashboardRegistry, FeedEntry, ReplicaProgress, ReplicaView } from "./dashboard-deps.ts"
export { ManagerKeyMissing } from "./manager-key-missing.ts"
export { dashboardOpenApi, dashboardOpenApiDocument } from "./openapi.ts"
export { hostDashboard, type HostReplica } from "./dashboard-mount.ts"
export { noRegistry, registryAccess, type RegistryAccessOptions } from "./registry-access.ts"
