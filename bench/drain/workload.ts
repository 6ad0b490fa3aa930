/**
 * What the drain bench sends through the gateway: Ethereum transfers from
 * fresh keys (bench/lib/fresh-keys.ts) and Bitcoin payments with distinct
 * amounts; and the on-chain count that checks them.
 */
import { Effect } from "effect"
import { ethereumCall, type EthereumNode } from "../../src/adapters/ethereum.ts"

/** Transactions mined from `addresses` so far: the sum of their nonces. */
export const minedFrom = (node: EthereumNode, addresses: ReadonlyArray<string>): Promise<number> =>
  Effect.runPromise(
    Effect.forEach(addresses, (a) => Effect.map(ethereumCall(node, "eth_getTransactionCount", [a, "latest"]), (n) => Number(n)), { concurrency: 4 }),
  ).then((counts) => counts.reduce((a, b) => a + b, 0))

/** `count` 1-wei transfers, round-robin over `from`, to `to`. */
export const ethTransferBodies = (from: ReadonlyArray<string>, to: string, count: number): ReadonlyArray<unknown> =>
  Array.from({ length: count }, (_, i) => ({ chain: "ethereum", method: "transfer", params: { from: from[i % from.length], to, value: "1" } }))

/** `count` sendtoaddress bodies with distinct amounts from `base` up, in satoshi steps. */
export const btcPaymentBodies = (address: string, base: number, count: number): ReadonlyArray<unknown> =>
  Array.from({ length: count }, (_, i) => ({ chain: "bitcoin", method: "sendtoaddress", params: { address, amount: (base + i * 1e-8).toFixed(8) } }))

/** `0xbe0c…`: a random address whose prefix marks bench traffic on the chain. */
export const sinkAddress = (): string => `0xbe0c${Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("hex")}`

/** What the Ethereum node itself says about its pool and its head: shows a node that stopped mining. */
export interface EthNodeState {
  readonly pending: number | null
  readonly queued: number | null
  readonly head: number
  readonly headTxs: number
  readonly secondsSinceHead: number
}

const hexNumber = (v: unknown): number | null => (typeof v === "string" && /^0x[0-9a-f]+$/i.test(v) ? Number(v) : null)

/** The pool counts (`txpool_status`, if the node has it) and the head block's age. */
export const ethNodeState = async (node: EthereumNode): Promise<EthNodeState> => {
  const pool = await Effect.runPromise(Effect.orElseSucceed(ethereumCall(node, "txpool_status", []), () => null))
  const block = (await Effect.runPromise(ethereumCall(node, "eth_getBlockByNumber", ["latest", false]))) as { number?: string; timestamp?: string; transactions?: ReadonlyArray<unknown> } | null
  const p = (typeof pool === "object" && pool !== null ? pool : {}) as { pending?: unknown; queued?: unknown }
  return {
    pending: hexNumber(p.pending),
    queued: hexNumber(p.queued),
    head: hexNumber(block?.number) ?? -1,
    headTxs: block?.transactions?.length ?? 0,
    secondsSinceHead: Math.round(Date.now() / 1000 - (hexNumber(block?.timestamp) ?? 0)),
  }
}
