/**
 * The real calls the direct-node reference sends: a Bitcoin wallet payment
 * and an Ethereum 1-wei transfer, each built through the gateway's own
 * adapters, so the reference pays the same client costs the gateway pays.
 * Setup (an address to pay, one Ethereum sender per worker) happens once,
 * before timing.
 */
import { Effect } from "effect"
import { type BitcoinEndpoint, bitcoinCall } from "../../src/adapters/bitcoin-rpc.ts"
import { closeEthereumNode, type EthereumEndpoint, type EthereumNode, ethereumCall, makeEthereumNode } from "../../src/adapters/ethereum.ts"
import { BenchFailed } from "./bench-definition.ts"
import type { NodeCall } from "./direct-node.ts"

/** A call ready to send, and how to release what it holds. */
export interface PreparedCall {
  readonly call: NodeCall
  /** One line for the report: what each call does. */
  readonly describe: string
  readonly close: () => Promise<void>
}

/** How the Bitcoin payment is made. */
export interface BitcoinTransferOptions {
  readonly endpoint: BitcoinEndpoint
  /** BTC per payment. */
  readonly amount: number
  /**
   * `sendtoaddress` (Bitcoin Core's plain payment, which btcwallet pays from
   * confirmed coins only), or `sendfrom` with minconf 0, which may also spend
   * unconfirmed change.
   */
  readonly method: "sendtoaddress" | "sendfrom"
  readonly account: string
}

const failedSetup = (what: string, where: string) => (error: { readonly message: string }) =>
  new BenchFailed({ reason: `${what} failed at ${where}: ${error.message}; is the stack up? (npm run stack -- status)` })

/** Asks the wallet for one address (once, untimed) and returns a payment to it per call. */
export const prepareBitcoinTransfer = async (options: BitcoinTransferOptions): Promise<PreparedCall> => {
  const { endpoint } = options
  const address = await Effect.runPromise(
    bitcoinCall(endpoint, "getnewaddress", []).pipe(Effect.mapError(failedSetup("getnewaddress", endpoint.url))),
  )
  if (typeof address !== "string") throw new BenchFailed({ reason: `getnewaddress at ${endpoint.url} answered ${JSON.stringify(address)}, not an address` })
  const params = options.method === "sendtoaddress" ? [address, options.amount] : [options.account, address, options.amount, 0]
  return {
    call: () => bitcoinCall(endpoint, options.method, params),
    describe: `${options.method}(${params.map((p) => JSON.stringify(p)).join(", ")}) at ${endpoint.url}`,
    close: async () => undefined,
  }
}

/** Where the Ethereum senders come from. */
export type EthereumSenders =
  /** New accounts per run, funded and impersonated through anvil's own RPC: nobody else sends from them. */
  | { readonly kind: "fresh" }
  /** The node's unlocked dev accounts from index `first` on (tests and the gateway may use the first few). */
  | { readonly kind: "dev"; readonly first: number }

/** How the Ethereum transfer is made. */
export interface EthereumTransferOptions {
  readonly endpoint: EthereumEndpoint
  readonly senders: EthereumSenders
  /**
   * How many workers will call at most: each gets a sender of its own, so
   * the node assigns nonces without two calls racing for one.
   */
  readonly workers: number
}

/** 1 ETH, enough gas for tens of thousands of 1-wei transfers. */
const FRESH_BALANCE = "0xde0b6b3a7640000"

/** `0xbe0c…`: a random address whose prefix marks it as bench traffic on the chain. */
const freshAddress = (): string => {
  const bytes = crypto.getRandomValues(new Uint8Array(18))
  return `0xbe0c${Buffer.from(bytes).toString("hex")}`
}

const devSenders = (node: EthereumNode, url: string, first: number, workers: number) =>
  Effect.gen(function* () {
    const listed = yield* ethereumCall(node, "eth_accounts", []).pipe(Effect.mapError(failedSetup("eth_accounts", url)))
    const all = Array.isArray(listed) ? listed.filter((a): a is string => typeof a === "string") : []
    const senders = all.slice(first, first + workers)
    if (senders.length < workers) {
      return yield* Effect.fail(
        new BenchFailed({
          reason: `${url} has ${all.length} unlocked accounts, so ${Math.max(0, all.length - first)} from index ${first}, but ${workers} workers need one each; use --eth-senders fresh, a lower --eth-first-account, or a shorter --ladder`,
        }),
      )
    }
    return senders
  })

const freshSenders = (node: EthereumNode, url: string, workers: number) =>
  Effect.forEach(Array.from({ length: workers }, freshAddress), (address) =>
    Effect.gen(function* () {
      yield* ethereumCall(node, "anvil_impersonateAccount", [address])
      yield* ethereumCall(node, "anvil_setBalance", [address, FRESH_BALANCE])
      return address
    }).pipe(
      Effect.mapError(
        (error) =>
          new BenchFailed({
            reason: `${url} refused ${error.method} (${error.message}); fresh senders need anvil; against another node use --eth-senders dev`,
          }),
      ),
    ),
  )

/**
 * Sets up one sender per worker (once, untimed) and returns a 1-wei
 * `eth_sendTransaction` per call, from the worker's sender to the next
 * one's. The node fills in nonce and gas, as for any wallet user.
 */
export const prepareEthereumTransfer = async (options: EthereumTransferOptions): Promise<PreparedCall> => {
  const node = makeEthereumNode(options.endpoint)
  const url = options.endpoint.url
  const setup = options.senders.kind === "dev" ? devSenders(node, url, options.senders.first, options.workers) : freshSenders(node, url, options.workers)
  const senders = await Effect.runPromise(setup).catch(async (error: unknown) => {
    await Effect.runPromise(closeEthereumNode(node))
    throw error
  })
  const release =
    options.senders.kind === "fresh"
      ? Effect.forEach(senders, (address) => Effect.ignore(ethereumCall(node, "anvil_stopImpersonatingAccount", [address])), { discard: true })
      : Effect.void
  const origin = options.senders.kind === "fresh" ? `${senders.length} fresh impersonated accounts (0xbe0c...)` : `dev accounts ${options.senders.first}..${options.senders.first + senders.length - 1}`
  return {
    call: ({ worker }) => {
      const from = senders[worker % senders.length] ?? ""
      const to = senders[(worker + 1) % senders.length] ?? ""
      return ethereumCall(node, "eth_sendTransaction", [{ from, to, value: "0x1" }])
    },
    describe: `eth_sendTransaction of 1 wei, one sender per worker from ${origin}, at ${url}`,
    close: () => Effect.runPromise(Effect.andThen(release, closeEthereumNode(node))),
  }
}
