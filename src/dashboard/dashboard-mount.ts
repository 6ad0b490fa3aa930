/**
 * Builds the host's dashboard from its context and mounts it on the replica listen's app:
 * the registry of `[registry]` (or GATEWAY_REGISTRY_ADDRESS), signed with the manager key
 * `[registry].manager_key_env` names, the host's one replica handle, the feed the
 * registry-watcher fills, and the intake's operator keys.
 */
import type { Hono } from "hono"
import { accountFromKey, makeEthereumNode } from "../adapters/ethereum.ts"
import type { HostContext } from "../host/host-context.ts"
import { registryAddressOf, registryManagerKeyEnvOf } from "../config/registry-address.ts"
import { apiKeysFrom } from "../intake/api-key.ts"
import { registryAt } from "../registry/index.ts"
import type { ServiceMount } from "../actors/replica/index.ts"
import { dashboardApp } from "./dashboard-app.ts"
import { dashboardOpenApi } from "./openapi.ts"
import type { DashboardFeed, ReplicaProgress, ReplicaView } from "./dashboard-deps.ts"
import { noRegistry, registryAccess } from "./registry-access.ts"

/** The host's replica as the dashboard reads it: status, and every replica's progress from etcd. */
export type HostReplica = ReplicaView & { readonly replicas: () => Promise<ReadonlyArray<ReplicaProgress>> }

/** The dashboard as a mount on the replica listen: its routes (`/`, `/dashboard/...`, `/api/dashboard/...`) and its OpenAPI paths. */
export const hostDashboard = (ctx: HostContext, replica: HostReplica | undefined, feed: DashboardFeed): ServiceMount => ({
  routes: (app) => mountDashboard(ctx, replica, feed, app),
  openApi: dashboardOpenApi(),
})

const mountDashboard = (ctx: HostContext, replica: HostReplica | undefined, feed: DashboardFeed, app: Hono): void => {
  const r = ctx.config.registry
  const address = registryAddressOf(ctx.config, ctx.env)
  const keyEnv = registryManagerKeyEnvOf(ctx.config)
  let registry = noRegistry()
  if (/^0x[0-9a-fA-F]{40}$/.test(address)) {
    const node = makeEthereumNode({ name: "registry-dashboard", url: r.rpc_url, chainId: ctx.config.chains.ethereum.chain_id, pollingIntervalMs: r.poll_interval_ms })
    const manager = accountFromKey(node, ctx.env[keyEnv]?.trim() ?? "")
    // Registrations are looked for from the deployment block, when the config names it.
    registry = registryAccess(registryAt(node, address, r.confirmations), manager, { fromBlock: r.from_block ?? 0, managerKeyEnv: keyEnv })
  }
  app.route(
    "/",
    dashboardApp({
      registry,
      ...(replica === undefined ? {} : { replica, replicas: replica.replicas }),
      feed,
      apiKeys: apiKeysFrom(ctx.env[ctx.config.intake.api_keys_env]),
      apiKeysEnv: ctx.config.intake.api_keys_env,
    }),
  )
}
