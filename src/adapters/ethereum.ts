/**
 * The one module that touches ethers. It builds HTTP providers the way that works under
 * Bun (a static network and a short polling interval, no WebSocket) and turns ethers'
 * errors into the node error tags.
 */
import { Effect } from "effect"
import { JsonRpcProvider, Network, Wallet, Transaction } from "ethers"
import { classifyNodeMessage, describe, NodeOverloaded, NodeRejected, NodeUnreachable } from "./errors.ts"

/** One Ethereum JSON-RPC endpoint. */
export interface EthereumEndpoint {
  readonly name: string
  readonly url: string
  readonly chainId: number
  readonly pollingIntervalMs: number
}

/** A provider bound to its endpoint's name, for error reports. */
export interface EthereumNode {
  readonly endpoint: EthereumEndpoint
  readonly provider: JsonRpcProvider
}

/** Every way an Ethereum RPC call can fail. */
export type EthereumRpcError = NodeUnreachable | NodeOverloaded | NodeRejected

/** Builds a provider that never probes the network on its own. */
export const makeEthereumNode = (endpoint: EthereumEndpoint): EthereumNode => ({
  endpoint,
  provider: new JsonRpcProvider(endpoint.url, endpoint.chainId, {
    staticNetwork: Network.from(endpoint.chainId),
    pollingInterval: endpoint.pollingIntervalMs,
    batchMaxCount: 1,
  }),
})

interface EthersLikeError {
  readonly code?: unknown
  readonly error?: { readonly code?: unknown; readonly message?: unknown }
  readonly shortMessage?: unknown
}

const toNodeError = (node: EthereumNode, method: string, cause: unknown): EthereumRpcError => {
  const e = (typeof cause === "object" && cause !== null ? cause : {}) as EthersLikeError
  const detail = typeof e.shortMessage === "string" ? e.shortMessage : describe(cause)
  const rpcCode = typeof e.error?.code === "number" ? e.error.code : undefined
  if (rpcCode !== undefined) {
    const message = typeof e.error?.message === "string" ? e.error.message : detail
    return classifyNodeMessage(200, message) === "overloaded"
      ? new NodeOverloaded({ node: node.endpoint.name, method, detail: message })
      : new NodeRejected({ node: node.endpoint.name, method, code: rpcCode, detail: message })
  }
  if (e.code === "CALL_EXCEPTION" || e.code === "INVALID_ARGUMENT" || e.code === "NONCE_EXPIRED" || e.code === "INSUFFICIENT_FUNDS") {
    return new NodeRejected({ node: node.endpoint.name, method, code: -32000, detail })
  }
  return new NodeUnreachable({ node: node.endpoint.name, method, detail })
}

/** Sends one raw JSON-RPC request through the provider. */
export const ethereumCall = (node: EthereumNode, method: string, params: readonly unknown[] = []): Effect.Effect<unknown, EthereumRpcError> =>
  Effect.tryPromise({
    try: () => node.provider.send(method, [...params]),
    catch: (cause) => toNodeError(node, method, cause),
  })

/** Runs any ethers call against the node, with the same error mapping. */
export const withProvider = <A>(node: EthereumNode, method: string, run: (provider: JsonRpcProvider) => Promise<A>): Effect.Effect<A, EthereumRpcError> =>
  Effect.tryPromise({
    try: () => run(node.provider),
    catch: (cause) => toNodeError(node, method, cause),
  })

/** Stops the provider's timers so the process can exit. */
export const closeEthereumNode = (node: EthereumNode): Effect.Effect<void> => Effect.sync(() => node.provider.destroy())

/** A key the gateway holds, by its address. The private key never leaves this module. */
export interface EthereumSigner {
  /** The address, lower-cased. */
  readonly address: string
  readonly sign: (tx: UnsignedTransaction) => SignedTransaction
}

/** The fields of an EIP-1559 transaction the gateway signs. Numbers are decimal strings or bigints. */
export interface UnsignedTransaction {
  readonly chainId: number
  readonly nonce: number
  readonly to: string
  readonly value: bigint
  readonly data: string
  readonly gasLimit: bigint
  readonly maxFeePerGas: bigint
  readonly maxPriorityFeePerGas: bigint
}

/** Serialized signed bytes and their hash: what is recorded before broadcast. */
export interface SignedTransaction {
  readonly raw: string
  readonly hash: string
}

/** A key in GATEWAY_ETH_KEYS (or the configured variable) is not a 32-byte hex private key. */
export class BadSigningKey extends Error {
  constructor(readonly position: number) {
    super(`key #${position + 1} in the Ethereum key list is not a 0x-prefixed 32-byte hex private key; fix the environment variable named by [chains.ethereum].keystore_env`)
  }
}

/**
 * Builds signers from a comma-separated list of private keys (the environment variable
 * the config names). Signing is synchronous and offline: no node is asked anything.
 */
export const signersFromKeyList = (list: string): ReadonlyMap<string, EthereumSigner> => {
  const signers = new Map<string, EthereumSigner>()
  list
    .split(",")
    .map((k) => k.trim())
    .filter((k) => k !== "")
    .forEach((key, position) => {
      if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new BadSigningKey(position)
      const wallet = new Wallet(key)
      const address = wallet.address.toLowerCase()
      signers.set(address, {
        address,
        sign: (tx) => {
          const unsigned = Transaction.from({ type: 2, ...tx, value: tx.value, gasLimit: tx.gasLimit })
          unsigned.signature = wallet.signingKey.sign(unsigned.unsignedHash)
          return { raw: unsigned.serialized, hash: unsigned.hash ?? "" }
        },
      })
    })
  return signers
}
