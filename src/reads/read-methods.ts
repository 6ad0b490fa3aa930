/**
 * Which JSON-RPC methods the read front serves, and what each answer depends on. That
 * dependency decides how long an answer may be kept:
 *
 * - `fixed`: about a given block or an immutable object (a block by hash, the chain id);
 *   kept until evicted, but dropped when a reorg replaces the block it names;
 * - `head`: about `latest`, `pending` or the wallet's present state; kept until the
 *   chain's head moves. An Ethereum `latest` is pinned to the head's number before it
 *   is sent, so the answer says which block it is for and every merged caller gets the
 *   same block.
 *
 * Everything else is refused: writes point to `POST /v1/requests`, and unknown methods
 * are named, so nothing reaches a node that the gateway would not account for.
 */

/** The chains the read front serves. */
export type ReadChain = "ethereum" | "bitcoin"

/** What an answer depends on. */
export type Scope =
  | { readonly _tag: "fixed"; readonly block?: number }
  | { readonly _tag: "head"; readonly block?: number }

/** A read, ready to send: the params as sent (pinned), its cache key and scope. */
export interface PlannedRead {
  readonly _tag: "read"
  readonly method: string
  readonly params: readonly unknown[]
  readonly key: string
  readonly scope: Scope
  /** Bitcoin wallet state: dropped when this host sends from the wallet. */
  readonly wallet: boolean
  /** Decide the scope from the answer (a transaction or receipt is final once it names its block). */
  readonly byAnswer: boolean
  /**
   * The account (as the client spelled it) of a balance, nonce or code read pinned to the
   * head: its answer may be carried to the next head when that block did not touch the
   * account (block-touches.ts).
   */
  readonly account?: string
}

/** Why a call is not served. */
export type Refusal =
  | { readonly _tag: "write"; readonly method: string }
  | { readonly _tag: "unknown"; readonly method: string }
  | { readonly _tag: "params"; readonly method: string; readonly rule: string }

/** The head a read is planned against. */
export interface HeadView {
  readonly number: number
}

type Rule =
  /** The block tag sits at `at` in params; absent means `latest`. */
  | { readonly _tag: "blockParam"; readonly at: number }
  /** Depends on the head whatever the params. */
  | { readonly _tag: "head" }
  /** Never changes for this chain. */
  | { readonly _tag: "constant" }
  /** The answer names its block when final (a mined transaction or receipt). */
  | { readonly _tag: "answerBlock" }
  /** params[0] is a block number (Bitcoin's getblockhash). */
  | { readonly _tag: "numberParam" }
  /** A filter object (eth_getLogs). */
  | { readonly _tag: "logFilter" }
  /** Bitcoin wallet state, changed by new blocks and by sends. */
  | { readonly _tag: "wallet" }

const ethereumReads: Readonly<Record<string, Rule>> = {
  eth_chainId: { _tag: "constant" },
  net_version: { _tag: "constant" },
  web3_clientVersion: { _tag: "head" },
  eth_blockNumber: { _tag: "head" },
  eth_gasPrice: { _tag: "head" },
  eth_maxPriorityFeePerGas: { _tag: "head" },
  eth_blobBaseFee: { _tag: "head" },
  eth_feeHistory: { _tag: "blockParam", at: 1 },
  eth_syncing: { _tag: "head" },
  net_peerCount: { _tag: "head" },
  eth_getBalance: { _tag: "blockParam", at: 1 },
  eth_getTransactionCount: { _tag: "blockParam", at: 1 },
  eth_getCode: { _tag: "blockParam", at: 1 },
  eth_getStorageAt: { _tag: "blockParam", at: 2 },
  eth_call: { _tag: "blockParam", at: 1 },
  eth_estimateGas: { _tag: "blockParam", at: 1 },
  eth_getProof: { _tag: "blockParam", at: 2 },
  eth_getBlockByNumber: { _tag: "blockParam", at: 0 },
  eth_getBlockTransactionCountByNumber: { _tag: "blockParam", at: 0 },
  eth_getTransactionByBlockNumberAndIndex: { _tag: "blockParam", at: 0 },
  eth_getBlockReceipts: { _tag: "blockParam", at: 0 },
  eth_getBlockByHash: { _tag: "constant" },
  eth_getBlockTransactionCountByHash: { _tag: "constant" },
  eth_getTransactionByBlockHashAndIndex: { _tag: "constant" },
  eth_getTransactionByHash: { _tag: "answerBlock" },
  eth_getTransactionReceipt: { _tag: "answerBlock" },
  eth_getLogs: { _tag: "logFilter" },
}

const ethereumWrites = new Set([
  "eth_sendRawTransaction",
  "eth_sendTransaction",
  "eth_sign",
  "eth_signTransaction",
  "eth_signTypedData_v4",
  "eth_newFilter",
  "eth_newBlockFilter",
  "eth_newPendingTransactionFilter",
  "eth_uninstallFilter",
  "eth_subscribe",
  "personal_sign",
  "personal_sendTransaction",
])

const bitcoinReads: Readonly<Record<string, Rule>> = {
  getblockcount: { _tag: "head" },
  getbestblockhash: { _tag: "head" },
  getblockhash: { _tag: "numberParam" },
  getblock: { _tag: "constant" },
  getblockheader: { _tag: "constant" },
  getinfo: { _tag: "head" },
  getblockchaininfo: { _tag: "head" },
  getnetworkinfo: { _tag: "head" },
  getdifficulty: { _tag: "head" },
  estimatefee: { _tag: "head" },
  estimatesmartfee: { _tag: "head" },
  getrawtransaction: { _tag: "head" },
  validateaddress: { _tag: "constant" },
  getbalance: { _tag: "wallet" },
  getunconfirmedbalance: { _tag: "wallet" },
  listunspent: { _tag: "wallet" },
  gettransaction: { _tag: "wallet" },
  listtransactions: { _tag: "wallet" },
  listsinceblock: { _tag: "wallet" },
  listaccounts: { _tag: "wallet" },
  getreceivedbyaddress: { _tag: "wallet" },
  getreceivedbyaccount: { _tag: "wallet" },
  listreceivedbyaddress: { _tag: "wallet" },
  getaccount: { _tag: "wallet" },
  getaddressesbyaccount: { _tag: "wallet" },
  getwalletinfo: { _tag: "wallet" },
}

const bitcoinWrites = new Set([
  "sendtoaddress",
  "sendfrom",
  "sendmany",
  "sendrawtransaction",
  "signrawtransaction",
  "signrawtransactionwithwallet",
  "createrawtransaction",
  "fundrawtransaction",
  "walletpassphrase",
  "walletlock",
  "importprivkey",
  "importaddress",
  "dumpprivkey",
  "getnewaddress",
  "getrawchangeaddress",
  "settxfee",
  "lockunspent",
  "move",
  "setaccount",
  "keypoolrefill",
])

/** The read methods of `chain`, for the OpenAPI document and error messages. */
export const readMethodsOf = (chain: ReadChain): readonly string[] => Object.keys(chain === "ethereum" ? ethereumReads : bitcoinReads)

const hexNumber = /^0x(0|[1-9a-f][0-9a-f]*)$/i

/** A block param's meaning: a number, a hash (immutable), or a tag that follows the head. */
const blockOf = (tag: unknown, head: HeadView): { readonly pinned: unknown; readonly scope: Scope } | undefined => {
  if (tag === undefined || tag === "latest") return { pinned: `0x${head.number.toString(16)}`, scope: { _tag: "head", block: head.number } }
  if (tag === "pending" || tag === "safe" || tag === "finalized" || tag === "earliest") return { pinned: tag, scope: { _tag: "head" } }
  if (typeof tag === "string" && hexNumber.test(tag)) {
    const n = Number.parseInt(tag, 16)
    return { pinned: tag, scope: n >= head.number ? { _tag: "head", block: n } : { _tag: "fixed", block: n } }
  }
  if (typeof tag === "object" && tag !== null && "blockHash" in tag) return { pinned: tag, scope: { _tag: "fixed" } }
  if (typeof tag === "object" && tag !== null && "blockNumber" in tag) return blockOf((tag as { blockNumber: unknown }).blockNumber, head)
  return undefined
}

const keyOf = (chain: ReadChain, method: string, params: readonly unknown[]) => `${chain}\u0000${method}\u0000${JSON.stringify(params)}`

/** Methods whose answer depends only on one account's balance, nonce or code. */
const accountReads = new Set(["eth_getBalance", "eth_getTransactionCount", "eth_getCode"])

/** The cache key of `method` about `account` at `block`, as `planRead` makes it for that read pinned to that head. */
export const accountReadKey = (method: string, account: string, block: number): string => keyOf("ethereum", method, [account, `0x${block.toString(16)}`])

const planned = (chain: ReadChain, method: string, params: readonly unknown[], scope: Scope, extra: { wallet?: boolean; byAnswer?: boolean } = {}): PlannedRead => ({
  _tag: "read",
  method,
  params,
  key: keyOf(chain, method, params),
  scope,
  wallet: extra.wallet ?? false,
  byAnswer: extra.byAnswer ?? false,
})

/**
 * Plans one call against the current head: refuses writes and unknown methods, pins an
 * Ethereum `latest` to the head's number, and gives the cache key and scope.
 */
export const planRead = (chain: ReadChain, method: string, params: readonly unknown[], head: HeadView): PlannedRead | Refusal => {
  const rule = (chain === "ethereum" ? ethereumReads : bitcoinReads)[method]
  if (rule === undefined) {
    const writes = chain === "ethereum" ? ethereumWrites : bitcoinWrites
    const looksLikeWrite = writes.has(method) || /^(anvil|evm|hardhat|debug|admin|miner|personal|txpool)_/.test(method)
    return { _tag: looksLikeWrite ? "write" : "unknown", method }
  }
  switch (rule._tag) {
    case "constant":
      return planned(chain, method, params, { _tag: "fixed" })
    case "head":
      return planned(chain, method, params, { _tag: "head", block: head.number })
    case "wallet":
      return planned(chain, method, params, { _tag: "head", block: head.number }, { wallet: true })
    case "answerBlock":
      return planned(chain, method, params, { _tag: "head", block: head.number }, { byAnswer: true })
    case "numberParam": {
      const n = params[0]
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0) return { _tag: "params", method, rule: "params[0] must be a block height, a whole number 0 or more" }
      return planned(chain, method, params, n >= head.number ? { _tag: "head", block: n } : { _tag: "fixed", block: n })
    }
    case "logFilter": {
      const filter = params[0]
      if (typeof filter !== "object" || filter === null || Array.isArray(filter)) return { _tag: "params", method, rule: "params[0] must be a filter object" }
      const f = filter as Record<string, unknown>
      if (typeof f.blockHash === "string") return planned(chain, method, params, { _tag: "fixed" })
      const to = blockOf(f.toBlock, head)
      const from = blockOf(f.fromBlock, head)
      if (to === undefined || from === undefined) return { _tag: "params", method, rule: "fromBlock and toBlock must be block numbers (hex) or tags" }
      const pinnedFilter = [{ ...f, fromBlock: from.pinned, toBlock: to.pinned }, ...params.slice(1)]
      return planned(chain, method, pinnedFilter, to.scope)
    }
    case "blockParam": {
      const b = blockOf(params[rule.at], head)
      if (b === undefined) return { _tag: "params", method, rule: `params[${rule.at}] must be a block number (hex), a block tag (latest, pending, safe, finalized, earliest) or a block hash object` }
      const pinnedParams = [...params]
      while (pinnedParams.length < rule.at) pinnedParams.push(undefined)
      pinnedParams[rule.at] = b.pinned
      const plan = planned(chain, method, pinnedParams, b.scope)
      const account = pinnedParams[0]
      const carryable = accountReads.has(method) && pinnedParams.length === 2 && b.scope._tag === "head" && b.scope.block === head.number && typeof account === "string" && /^0x[0-9a-fA-F]{40}$/.test(account)
      return carryable ? { ...plan, account } : plan
    }
  }
}

/** A transaction or receipt answer's block, once it has one: then the answer is final until a reorg. */
export const answerBlockOf = (answer: unknown): number | undefined => {
  if (typeof answer !== "object" || answer === null) return undefined
  const n = (answer as { blockNumber?: unknown }).blockNumber
  return typeof n === "string" && hexNumber.test(n) ? Number.parseInt(n, 16) : undefined
}
