/**
 * A request as it travels through the gateway: validated at the intake, published to
 * `sendto` keyed by `<chain>:<sender>`, and executed by a partition consumer. One type
 * per method, so an executor can switch on `method` and get the right params.
 */

/** A Bitcoin amount as a decimal string with at most 8 places, e.g. "0.1". Strings keep satoshis exact. */
export type BtcAmount = string

/** Bitcoin Core's `sendtoaddress(address, amount)`: spends from the wallet's default account. */
export interface SendToAddress {
  readonly chain: "bitcoin"
  readonly method: "sendtoaddress"
  readonly params: { readonly address: string; readonly amount: BtcAmount }
}

/** Bitcoin Core's `sendfrom(account, address, amount, minconf)`, as in paper A. */
export interface SendFrom {
  readonly chain: "bitcoin"
  readonly method: "sendfrom"
  readonly params: { readonly account: string; readonly address: string; readonly amount: BtcAmount; readonly minconf?: number }
}

/** Bitcoin Core's `sendmany(account, {address: amount}, minconf)`: one transaction, many outputs (payroll). */
export interface SendMany {
  readonly chain: "bitcoin"
  readonly method: "sendmany"
  readonly params: { readonly account: string; readonly amounts: Readonly<Record<string, BtcAmount>>; readonly minconf?: number }
}

/** A native ether transfer, signed by the gateway with the sender's key. `value` is in wei, as a decimal string. */
export interface EthTransfer {
  readonly chain: "ethereum"
  readonly method: "transfer"
  readonly params: { readonly from: string; readonly to: string; readonly value: string; readonly gas_limit?: string }
}

/**
 * A contract call by ABI fragment and arguments, e.g.
 * `{ abi: "function transfer(address to, uint256 amount)", args: ["0x…", "1000"] }`.
 */
export interface EthContractCall {
  readonly chain: "ethereum"
  readonly method: "call"
  readonly params: {
    readonly from: string
    readonly to: string
    readonly abi: string
    readonly args: readonly unknown[]
    readonly value?: string
    readonly gas_limit?: string
  }
}

/** A transaction signed by the client, passed through unchanged. `from` is recovered from the signature. */
export interface EthRawTransaction {
  readonly chain: "ethereum"
  readonly method: "raw"
  readonly params: { readonly tx: string }
}

/** Every request body the intake accepts (one element of a batch, or a single request). */
export type RequestBody = SendToAddress | SendFrom | SendMany | EthTransfer | EthContractCall | EthRawTransaction

/** The chains the gateway serves. */
export type ChainName = RequestBody["chain"]

/** What is published to `sendto`: the validated body plus what the intake adds. */
export interface QueuedRequest {
  /** The request id: a UUID, or derived from the Idempotency-Key so a repeat maps to the same id. */
  readonly id: string
  /** Who pays: the Bitcoin account or the Ethereum `from` address (lower-cased). The Kafka key is `<chain>:<sender>`. */
  readonly sender: string
  readonly body: RequestBody
  /** Epoch ms when the intake accepted it. */
  readonly accepted_at: number
  /** The batch this request came in, if any. */
  readonly batch_id?: string
  /** SHA-256 of the request body, so a reused Idempotency-Key with another body is refused. */
  readonly body_hash: string
  /**
   * Who submitted it: `ownerOf(api key)` (domain/owner.ts), never the key. Carried into
   * every status record so the notifier finds the key's webhooks. Requests queued before
   * owners existed have none, and match no webhook.
   */
  readonly owner?: string
}

/** The Kafka key of a queued request: order is kept per key. */
export const requestKey = (r: Pick<QueuedRequest, "sender" | "body">): string => `${r.body.chain}:${r.sender}`
