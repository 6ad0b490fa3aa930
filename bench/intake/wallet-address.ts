/**
 * A fresh address of the Bitcoin wallet, so the benches send valid simnet
 * `sendtoaddress` bodies (the intake checks the network), paying the wallet
 * itself.
 */
import { Effect, Result } from "effect"
import { bitcoinCall, type BitcoinEndpoint } from "../../src/adapters/bitcoin-rpc.ts"
import type { GatewayConfig } from "../../src/config/gateway-config.ts"
import { BenchFailed } from "../lib/bench-definition.ts"

/** The endpoint of the config's first Bitcoin node, with its password from the environment. */
export const walletEndpoint = (config: GatewayConfig, env: Readonly<Record<string, string | undefined>>): BitcoinEndpoint => {
  const node = config.nodes.find((n) => n.chain === "bitcoin")
  if (node === undefined) throw new BenchFailed({ reason: "the config has no Bitcoin node; add one to [[nodes]]" })
  const password = env[node.password_env ?? ""]
  if (password === undefined) throw new BenchFailed({ reason: `${node.password_env ?? "the Bitcoin password variable"} is not set; source .run/stack.env` })
  return { name: node.name, url: node.url, user: node.user ?? "", password, timeoutMs: node.timeout_ms }
}

/** Asks the wallet for a new address. */
export const walletAddress = async (endpoint: BitcoinEndpoint): Promise<string> => {
  const r = await Effect.runPromise(Effect.result(bitcoinCall(endpoint, "getnewaddress", [])))
  if (Result.isSuccess(r) && typeof r.success === "string") return r.success
  const why = Result.isFailure(r) ? r.failure.message : `answered ${JSON.stringify(r.success)}`
  throw new BenchFailed({ reason: `getnewaddress at ${endpoint.url} failed (${why}); is the wallet up? (npm run stack -- status)` })
}
