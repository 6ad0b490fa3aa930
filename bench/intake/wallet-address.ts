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

/** What `settleWallet` saw: the wallet's unconfirmed coins before and after, and how long it waited. */
export interface WalletSettle {
  readonly unconfirmedAtStart: number
  readonly unconfirmedAtEnd: number
  readonly waitedMs: number
}

/**
 * Waits (at most `maxWaitMs`) until the wallet holds no unconfirmed coins; a listing that
 * fails (-1) ends the wait at once, and the pass runs as it would have. A pass that
 * follows the direct calls would otherwise start on their unconfirmed change: the
 * gateway's lane keeps each chain of unconfirmed spends within the 25-ancestor limit
 * (Bitcoin Core's), so it would wait for a block that the direct calls, which start from
 * confirmed coins, never waited for.
 */
export const settleWallet = async (endpoint: BitcoinEndpoint, maxWaitMs = 60_000, everyMs = 500): Promise<WalletSettle> => {
  const unconfirmed = async (): Promise<number> => {
    const r = await Effect.runPromise(Effect.result(bitcoinCall(endpoint, "listunspent", [0, 9_999_999])))
    if (Result.isFailure(r) || !Array.isArray(r.success)) return -1
    return (r.success as Array<{ readonly confirmations?: number }>).filter((u) => (u.confirmations ?? 0) === 0).length
  }
  const started = Date.now()
  const unconfirmedAtStart = await unconfirmed()
  let now = unconfirmedAtStart
  while (now > 0 && Date.now() - started < maxWaitMs) {
    await new Promise((done) => setTimeout(done, everyMs))
    now = await unconfirmed()
  }
  return { unconfirmedAtStart, unconfirmedAtEnd: now, waitedMs: Date.now() - started }
}
