/**
 * Dispatches one queued request to its chain's executor. The executors share state
 * across requests (the nonce ledger, the fee cache), held here per consumer host.
 */
import { Effect } from "effect"
import type { QueuedRequest } from "../../domain/request.ts"
import type { ExecutionContext, Outcome } from "../../execution/context.ts"
import { executeBitcoin, type BitcoinSettings } from "../../execution/bitcoin/execute-bitcoin.ts"
import { executeEthereum, type EthereumSettings } from "../../execution/ethereum/execute-ethereum.ts"

/** The per-chain settings of one consumer host. */
export interface ChainSettings {
  readonly bitcoin: BitcoinSettings
  readonly ethereum: EthereumSettings
}

/** Runs the request on its chain. */
export const executeRequest = (req: QueuedRequest, ctx: ExecutionContext, chains: ChainSettings): Effect.Effect<Outcome> => {
  const body = req.body
  return body.chain === "bitcoin" ? executeBitcoin(req, body, ctx, chains.bitcoin) : executeEthereum(req, body, ctx, chains.ethereum)
}

/** Reads a `sendto` message; undefined when it is not a queued request (a poison message). */
export const parseQueued = (value: string): QueuedRequest | undefined => {
  try {
    const parsed = JSON.parse(value) as Partial<QueuedRequest>
    const chain = parsed.body?.chain
    if (typeof parsed.id !== "string" || typeof parsed.sender !== "string" || (chain !== "bitcoin" && chain !== "ethereum")) return undefined
    return parsed as QueuedRequest
  } catch {
    return undefined
  }
}
