/**
 * The blockchains the gateway feeds. Each `[[nodes]]` entry names one, and
 * the consumer picks the node client (Bitcoin Core JSON-RPC or Ethereum
 * JSON-RPC) from it.
 */

/** Every chain a node endpoint can speak. */
export const CHAINS = ["bitcoin", "ethereum"] as const

/** One chain name. */
export type Chain = (typeof CHAINS)[number]
