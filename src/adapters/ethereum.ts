/**
 * The one module that touches ethers. It builds HTTP providers the way that works under
 * Bun (a static network and a short polling interval, no WebSocket) for ABI coding,
 * contracts and `withProvider`, and turns ethers' errors into the node error tags. Raw
 * calls (`ethereumCall`) skip ethers: they go through the shared JSON-RPC transport.
 */
import { Data, Effect } from "effect"
import { Interface, JsonRpcProvider, Network, Wallet, Transaction } from "ethers"
import { describe, type NodeOverloaded, NodeRejected, NodeUnreachable } from "./errors.ts"
import { errorForRpcError, jsonRpcCall, postJsonRpcBatch, readAnswer, type JsonRpcEndpoint } from "./json-rpc.ts"
import type { RefusalKind } from "./node-errors.ts"
import { nonceTakenResendDelayMs, nonceTakenResends } from "../runtime/schedules.ts"

/** One Ethereum JSON-RPC endpoint. */
export interface EthereumEndpoint {
  readonly name: string
  readonly url: string
  readonly chainId: number
  readonly pollingIntervalMs: number
  /** How long a raw call may wait for its answer; 30 s when not given. */
  readonly timeoutMs?: number
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

/** A raw call's wait when the endpoint names none. */
const DEFAULT_TIMEOUT_MS = 30_000

const transports = new WeakMap<EthereumEndpoint, JsonRpcEndpoint>()

const transportOf = (endpoint: EthereumEndpoint): JsonRpcEndpoint => {
  let transport = transports.get(endpoint)
  if (transport === undefined) {
    transport = { name: endpoint.name, chain: "ethereum", url: endpoint.url, timeoutMs: endpoint.timeoutMs ?? DEFAULT_TIMEOUT_MS, version: "2.0" }
    transports.set(endpoint, transport)
  }
  return transport
}

interface RpcErrorLike {
  readonly code?: unknown
  readonly message?: unknown
  readonly data?: unknown
}

interface EthersLikeError {
  readonly code?: unknown
  readonly shortMessage?: unknown
  /** The node's JSON-RPC error, where ethers puts it for UNKNOWN_ERROR. */
  readonly error?: RpcErrorLike
  /** Where ethers puts it for INSUFFICIENT_FUNDS, NONCE_EXPIRED, REPLACEMENT_UNDERPRICED, CALL_EXCEPTION (and one level deeper for UNSUPPORTED_OPERATION); SERVER_ERROR puts the HTTP answer here. */
  readonly info?: { readonly error?: RpcErrorLike; readonly info?: { readonly error?: RpcErrorLike }; readonly responseBody?: unknown; readonly responseStatus?: unknown }
}

/** What ethers' own error codes mean when ethers kept no node error to read. */
const kindOfEthersCode: Readonly<Record<string, RefusalKind>> = {
  CALL_EXCEPTION: "reverted",
  INSUFFICIENT_FUNDS: "insufficient-funds",
  NONCE_EXPIRED: "nonce-too-low",
  REPLACEMENT_UNDERPRICED: "replacement-underpriced",
  INVALID_ARGUMENT: "invalid",
}

const toNodeError = (node: EthereumNode, method: string, cause: unknown): EthereumRpcError => {
  const e = (typeof cause === "object" && cause !== null ? cause : {}) as EthersLikeError
  const detail = typeof e.shortMessage === "string" ? e.shortMessage : describe(cause)
  const answerer = { name: node.endpoint.name, chain: "ethereum" as const }
  const rpc = [e.error, e.info?.error, e.info?.info?.error].find((x) => typeof x?.code === "number")
  if (rpc !== undefined) return errorForRpcError(answerer, method, Number(rpc.code), typeof rpc.message === "string" ? rpc.message : detail, rpc.data)
  if (e.code === "SERVER_ERROR" && typeof e.info?.responseStatus === "string") {
    // An HTTP error status: its body may still carry the node's JSON-RPC error.
    const answer = readAnswer(answerer, method, Number.parseInt(e.info.responseStatus, 10), typeof e.info.responseBody === "string" ? e.info.responseBody : "")
    if (!answer.ok) return answer.error
  }
  const kind = typeof e.code === "string" ? kindOfEthersCode[e.code] : undefined
  if (kind !== undefined) return new NodeRejected({ node: node.endpoint.name, method, code: -32000, detail, kind })
  return new NodeUnreachable({ node: node.endpoint.name, method, detail })
}

/** Sends one raw JSON-RPC request straight to the node (not through ethers). */
export const ethereumCall = (node: EthereumNode, method: string, params: readonly unknown[] = []): Effect.Effect<unknown, EthereumRpcError> =>
  jsonRpcCall(transportOf(node.endpoint), method, params)

/** One call of a batch, and how it ended. */
export type CallOutcome = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: EthereumRpcError }

/** Sends several raw JSON-RPC requests in one batch (one HTTP round trip); each answers on its own. */
export const ethereumBatch = (node: EthereumNode, calls: readonly { readonly method: string; readonly params: readonly unknown[] }[]): Effect.Effect<readonly CallOutcome[]> =>
  Effect.promise((signal) => postJsonRpcBatch(transportOf(node.endpoint), calls, signal))

/** Runs any ethers call against the node, with the same error mapping. */
export const withProvider = <A>(node: EthereumNode, method: string, run: (provider: JsonRpcProvider) => Promise<A>): Effect.Effect<A, EthereumRpcError> =>
  Effect.tryPromise({
    try: () => run(node.provider),
    catch: (cause) => toNodeError(node, method, cause),
  })

/** Stops the provider's timers so the process can exit. */
export const closeEthereumNode = (node: EthereumNode): Effect.Effect<void> => Effect.sync(() => node.provider.destroy())

// Signing lives in ./ethereum/signer.ts; re-exported so existing importers keep working.
export { BadSigningKey, signersFromKeyList, type EthereumSigner, type SignedTransaction, type UnsignedTransaction } from "./ethereum/signer.ts"

// Contracts: ABI coding, accounts that send transactions and wait for them, reverts, logs.
// Callers see hex strings, bigints and plain arrays; ethers' Interface, Wallet and Result
// stay in this file.

/** The EVM reverted a call or a mined transaction. `data` is the revert data, "0x" when the node gave none. */
export class ContractReverted extends Data.TaggedError("ContractReverted")<{
  readonly node: string
  readonly method: string
  readonly data: string
  /** Set when the transaction was mined and failed, rather than refused before sending. */
  readonly txHash?: string
}> {
  override get message() {
    return `node ${this.node}: ${this.method} reverted${this.txHash === undefined ? "" : ` in transaction ${this.txHash}`} (revert data ${this.data})`
  }
}

/** The sending account cannot pay for the transaction's gas. */
export class InsufficientFunds extends Data.TaggedError("InsufficientFunds")<{
  readonly node: string
  readonly address: string
}> {
  override get message() {
    return `account ${this.address} has too little ether on ${this.node} to pay for the transaction; fund it and try again`
  }
}

/** A transaction was broadcast but did not reach the wanted confirmations in time. It may still be mined. */
export class TransactionNotMined extends Data.TaggedError("TransactionNotMined")<{
  readonly node: string
  readonly hash: string
  readonly waitedMs: number
}> {
  override get message() {
    return `transaction ${this.hash} was sent to ${this.node} but not confirmed within ${this.waitedMs} ms; look it up (eth_getTransactionReceipt) before sending it again`
  }
}

/** Every way sending a contract transaction can fail. */
export type ContractTransactionError = EthereumRpcError | ContractReverted | InsufficientFunds | TransactionNotMined

/** A decoded custom error or event: its ABI name and arguments (bigints, strings, booleans, nested arrays). */
export interface DecodedAbiItem {
  readonly name: string
  readonly args: ReadonlyArray<unknown>
}

/** One log entry as the node reports it. */
export interface ContractLog {
  readonly address: string
  readonly topics: ReadonlyArray<string>
  readonly data: string
  readonly blockNumber: number
  readonly blockHash: string
  readonly transactionHash: string
  readonly logIndex: number
  /** True when a reorg dropped the block that held it. */
  readonly removed: boolean
}

/** Encodes calls and decodes results, revert data and logs for one contract ABI. */
export interface ContractCodec {
  /** Creation code: `bytecode` followed by the encoded constructor arguments. */
  readonly encodeDeploy: (bytecode: string, args: ReadonlyArray<unknown>) => string
  readonly encodeCall: (fn: string, args: ReadonlyArray<unknown>) => string
  /** The return values, or undefined when `data` is not what `fn` returns (e.g. "0x" from an address without code). */
  readonly decodeResult: (fn: string, data: string) => ReadonlyArray<unknown> | undefined
  /** The ABI's custom error that `data` encodes, if any. */
  readonly decodeError: (data: string) => DecodedAbiItem | undefined
  /** The ABI's event that `log` carries, if any. */
  readonly decodeLog: (log: ContractLog) => DecodedAbiItem | undefined
  /** topic0 of an event of this ABI. */
  readonly eventTopic: (event: string) => string
}

/** Builds the codec for a compiled contract's JSON ABI. Throws if the ABI itself is malformed (a build error). */
export const makeContractCodec = (abi: ReadonlyArray<unknown>): ContractCodec => {
  const iface = Interface.from(abi as ReadonlyArray<string>)
  const attempt = <A>(run: () => A): A | undefined => {
    try {
      return run()
    } catch {
      return undefined
    }
  }
  return {
    encodeDeploy: (bytecode, args) => bytecode + iface.encodeDeploy([...args]).slice(2),
    encodeCall: (fn, args) => iface.encodeFunctionData(fn, [...args]),
    decodeResult: (fn, data) => attempt(() => iface.decodeFunctionResult(fn, data).toArray(true)),
    decodeError: (data) =>
      attempt(() => {
        const parsed = iface.parseError(data)
        return parsed === null ? undefined : { name: parsed.name, args: parsed.args.toArray(true) }
      }),
    decodeLog: (log) =>
      attempt(() => {
        const parsed = iface.parseLog({ topics: [...log.topics], data: log.data })
        return parsed === null ? undefined : { name: parsed.name, args: parsed.args.toArray(true) }
      }),
    eventTopic: (event) => {
      const fragment = iface.getEvent(event)
      if (fragment === null) throw new Error(`the ABI has no event ${event}`)
      return fragment.topicHash
    },
  }
}

/** An account that sends transactions through one node. Its private key never leaves this module. */
export interface EthereumAccount {
  /** The address, lower-cased. */
  readonly address: string
  readonly node: EthereumNode
}

interface AccountState {
  /** Not connected to the provider: it only signs, offline. */
  readonly wallet: Wallet
  /** Sends are chained so two concurrent sends never pick the same nonce. */
  tail: Promise<unknown>
}

const accounts = new WeakMap<EthereumAccount, AccountState>()

/** The account of a 0x-prefixed 32-byte hex private key on `node`, or undefined when the key is not one. */
export const accountFromKey = (node: EthereumNode, privateKey: string): EthereumAccount | undefined => {
  if (!/^0x[0-9a-fA-F]{64}$/.test(privateKey)) return undefined
  const wallet = new Wallet(privateKey)
  const account: EthereumAccount = { address: wallet.address.toLowerCase(), node }
  accounts.set(account, { wallet, tail: Promise.resolve() })
  return account
}

/**
 * Every contract-facing request goes through `provider.send`, never ethers' high-level
 * calls: those share one in-flight cache for 250 ms per identical request, so a read
 * right after a write, or the next nonce right after a send, could answer the old value.
 */
const rawSend = (node: EthereumNode, method: string, params: ReadonlyArray<unknown>): Promise<unknown> => node.provider.send(method, [...params])

interface RevertShape {
  readonly code?: unknown
  readonly data?: unknown
}

/** Maps a failed call: a revert keeps its data; anything else maps like other RPC failures. */
const toContractError = (node: EthereumNode, method: string, cause: unknown): EthereumRpcError | ContractReverted => {
  const e = (typeof cause === "object" && cause !== null ? cause : {}) as RevertShape
  if (e.code === "CALL_EXCEPTION") {
    return new ContractReverted({ node: node.endpoint.name, method, data: typeof e.data === "string" ? e.data : "0x" })
  }
  return toNodeError(node, method, cause)
}

/** Maps a failed send: as a call, and unpaid gas names the sending account. */
const toSendError = (node: EthereumNode, method: string, cause: unknown, from: string): EthereumRpcError | ContractReverted | InsufficientFunds => {
  const e = (typeof cause === "object" && cause !== null ? cause : {}) as RevertShape
  return e.code === "INSUFFICIENT_FUNDS" ? new InsufficientFunds({ node: node.endpoint.name, address: from }) : toContractError(node, method, cause)
}

/** Runs a read-only call (`eth_call` at the latest block) and answers the returned bytes. */
export const callContract = (node: EthereumNode, to: string, data: string): Effect.Effect<string, EthereumRpcError | ContractReverted> =>
  Effect.tryPromise({
    try: () => rawSend(node, "eth_call", [{ to, data }, "latest"]).then(String),
    catch: (cause) => toContractError(node, "eth_call", cause),
  })

/** What a mined transaction left behind. */
export interface MinedTransaction {
  readonly hash: string
  readonly blockNumber: number
  /** The new contract's address (lower-cased) for a deployment, else null. */
  readonly contractAddress: string | null
  readonly gasUsed: bigint
  readonly logs: ReadonlyArray<ContractLog>
}

/** A transaction to a contract (`to`), or a deployment (`to: null`). */
export interface ContractTransaction {
  readonly to: string | null
  readonly data: string
  /** Blocks, counting the one that holds it, before it counts as done. */
  readonly confirmations: number
  /** How long to wait for those confirmations after broadcasting. */
  readonly timeoutMs: number
}

interface RawLog {
  readonly address: string
  readonly topics: ReadonlyArray<string>
  readonly data: string
  readonly blockNumber: string
  readonly blockHash: string
  readonly transactionHash: string
  readonly logIndex: string
  readonly removed?: boolean
}

interface RawReceipt {
  readonly status: string
  readonly blockNumber: string
  readonly contractAddress: string | null
  readonly gasUsed: string
  readonly logs: ReadonlyArray<RawLog>
}

const toLog = (raw: RawLog): ContractLog => ({
  address: raw.address.toLowerCase(),
  topics: raw.topics,
  data: raw.data,
  blockNumber: Number(raw.blockNumber),
  blockHash: raw.blockHash,
  transactionHash: raw.transactionHash,
  logIndex: Number(raw.logIndex),
  removed: raw.removed === true,
})

const hexQuantity = (n: number): string => `0x${n.toString(16)}`

/** Polls for the receipt until it has `confirmations` blocks on top of it, or the time is up. */
const awaitReceipt = (node: EthereumNode, hash: string, confirmations: number, timeoutMs: number): Effect.Effect<RawReceipt, EthereumRpcError | TransactionNotMined> =>
  Effect.gen(function* () {
    const deadline = Date.now() + timeoutMs
    while (true) {
      const receipt = (yield* ethereumCall(node, "eth_getTransactionReceipt", [hash])) as RawReceipt | null
      if (receipt !== null && receipt.blockNumber !== null) {
        const head = Number(yield* ethereumCall(node, "eth_blockNumber"))
        if (head - Number(receipt.blockNumber) + 1 >= confirmations) return receipt
      }
      if (Date.now() >= deadline) return yield* new TransactionNotMined({ node: node.endpoint.name, hash, waitedMs: timeoutMs })
      yield* Effect.sleep(node.endpoint.pollingIntervalMs)
    }
  })

/** Gas limit over the estimate, in percent: room for state that changes between estimate and inclusion. */
const GAS_HEADROOM_PERCENT = 120n

/** Used when the node does not implement eth_maxPriorityFeePerGas. */
const FALLBACK_PRIORITY_FEE = 1_000_000_000n

/** Fills in nonce, gas and fees with uncached requests, signs offline, and broadcasts; answers the hash. */
const signAndBroadcast = async (account: EthereumAccount, wallet: Wallet, tx: ContractTransaction): Promise<string> => {
  const node = account.node
  const call = { from: account.address, ...(tx.to === null ? {} : { to: tx.to }), data: tx.data }
  const nonce = Number(await rawSend(node, "eth_getTransactionCount", [account.address, "pending"]))
  const estimate = BigInt(String(await rawSend(node, "eth_estimateGas", [call])))
  const latest = (await rawSend(node, "eth_getBlockByNumber", ["latest", false])) as { readonly baseFeePerGas?: string } | null
  const baseFee = BigInt(latest?.baseFeePerGas ?? "0x0")
  const priority = await rawSend(node, "eth_maxPriorityFeePerGas", []).then(
    (fee) => BigInt(String(fee)),
    () => FALLBACK_PRIORITY_FEE,
  )
  const unsigned = Transaction.from({
    type: 2,
    chainId: node.endpoint.chainId,
    nonce,
    to: tx.to,
    data: tx.data,
    value: 0n,
    gasLimit: (estimate * GAS_HEADROOM_PERCENT) / 100n,
    maxPriorityFeePerGas: priority,
    maxFeePerGas: baseFee * 2n + priority,
  })
  unsigned.signature = wallet.signingKey.sign(unsigned.unsignedHash)
  return String(await rawSend(node, "eth_sendRawTransaction", [unsigned.serialized]))
}

/**
 * `signAndBroadcast`, signed again at the fresh pending nonce when the node says another
 * transaction holds the nonce (mined: "nonce too low"; pooled: "replacement transaction
 * underpriced"). The refused bytes never entered the pool, so a new nonce cannot pay twice.
 * Another process sending from the same key between our nonce read and our broadcast
 * causes it: the leader's registry writes on each host, and the dashboard's forms.
 */
const broadcastAtFreeNonce = async (account: EthereumAccount, wallet: Wallet, tx: ContractTransaction): Promise<string> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await signAndBroadcast(account, wallet, tx)
    } catch (cause) {
      const read = toNodeError(account.node, "eth_sendRawTransaction", cause)
      const taken = read._tag === "NodeRejected" && (read.kind === "nonce-too-low" || read.kind === "replacement-underpriced")
      if (!taken || attempt > nonceTakenResends) throw cause
      await Bun.sleep(nonceTakenResendDelayMs(attempt))
    }
  }
}

/**
 * Signs and broadcasts a transaction from `account`, then waits for its confirmations.
 * The node estimates gas first, so a call that would revert fails with ContractReverted
 * before anything is sent. A transaction that is mined and still fails (its state changed
 * between estimate and inclusion) is replayed on the block before it to recover the
 * revert data, and also fails with ContractReverted, naming the transaction.
 */
export const sendContractTransaction = (account: EthereumAccount, tx: ContractTransaction): Effect.Effect<MinedTransaction, ContractTransactionError> =>
  Effect.gen(function* () {
    const node = account.node
    const state = accounts.get(account)
    if (state === undefined) return yield* Effect.die(new Error("sendContractTransaction: the account was not made by accountFromKey"))
    const hash = yield* Effect.tryPromise({
      try: () => {
        const sent = state.tail.then(() => broadcastAtFreeNonce(account, state.wallet, tx))
        state.tail = sent.catch(() => undefined)
        return sent
      },
      catch: (cause) => toSendError(node, "eth_sendRawTransaction", cause, account.address),
    })
    const receipt = yield* awaitReceipt(node, hash, tx.confirmations, tx.timeoutMs)
    if (Number(receipt.status) !== 1) {
      const before = hexQuantity(Math.max(0, Number(receipt.blockNumber) - 1))
      const replay = { from: account.address, ...(tx.to === null ? {} : { to: tx.to }), data: tx.data }
      const revert = yield* Effect.tryPromise({
        try: () => rawSend(node, "eth_call", [replay, before]),
        catch: (cause) => toContractError(node, "eth_call", cause),
      }).pipe(
        Effect.map(() => "0x"),
        Effect.catch((e) => Effect.succeed(e._tag === "ContractReverted" ? e.data : "0x")),
      )
      return yield* new ContractReverted({ node: node.endpoint.name, method: "eth_sendRawTransaction", data: revert, txHash: hash })
    }
    return {
      hash,
      blockNumber: Number(receipt.blockNumber),
      contractAddress: receipt.contractAddress === null ? null : receipt.contractAddress.toLowerCase(),
      gasUsed: BigInt(receipt.gasUsed),
      logs: receipt.logs.map(toLog),
    }
  })

/** Which logs to fetch: one contract, topic filters (null matches anything), an inclusive block range. */
export interface LogQuery {
  readonly address: string
  readonly topics: ReadonlyArray<string | ReadonlyArray<string> | null>
  readonly fromBlock: number
  readonly toBlock: number | "latest"
}

/** Fetches the logs matching `query` (`eth_getLogs`), in chain order. */
export const contractLogs = (node: EthereumNode, query: LogQuery): Effect.Effect<ReadonlyArray<ContractLog>, EthereumRpcError> =>
  Effect.map(
    ethereumCall(node, "eth_getLogs", [
      {
        address: query.address,
        topics: query.topics,
        fromBlock: hexQuantity(query.fromBlock),
        toBlock: query.toBlock === "latest" ? "latest" : hexQuantity(query.toBlock),
      },
    ]),
    (raw) => (raw as ReadonlyArray<RawLog>).map(toLog),
  )
