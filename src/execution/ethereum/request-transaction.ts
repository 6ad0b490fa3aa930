/**
 * Turns an Ethereum request into the fields of the transaction the gateway signs:
 * recipient, value, call data and gas limit. A contract call without a gas limit is
 * estimated on the node (with a margin), which is also where a call that would revert
 * is found before it takes a nonce.
 */
import { Effect } from "effect"
import { encodeFunctionCall } from "../../adapters/ethereum-codec.ts"
import type { EthContractCall, EthTransfer } from "../../domain/request.ts"
import type { ChainNodes, NodeCallError } from "../ports.ts"

/** The fields of a gateway-signed transaction that come from the request. */
export interface TransactionFields {
  readonly to: string
  readonly value: bigint
  readonly data: string
  readonly gasLimit: bigint
}

/** The request can never be carried out as written. */
export interface Unworkable {
  readonly _tag: "unworkable"
  readonly reason: string
}

/** Gas of a plain ether transfer. */
export const transferGas = 21_000n

/** Estimates are raised by this many percent, since state can change between estimate and inclusion. */
const estimateMarginPercent = 20n

const hex = (n: bigint) => `0x${n.toString(16)}`

/** The transaction fields of `body`, or why it cannot be built. */
export const transactionFields = (
  body: EthTransfer | EthContractCall,
  nodes: ChainNodes,
  sender: string,
): Effect.Effect<TransactionFields | Unworkable, NodeCallError> =>
  Effect.gen(function* () {
    const value = BigInt(body.params.value ?? "0")
    if (body.method === "transfer") {
      return { to: body.params.to, value, data: "0x", gasLimit: body.params.gas_limit ? BigInt(body.params.gas_limit) : transferGas }
    }
    const encoded = encodeFunctionCall(body.params.abi, body.params.args)
    if (!encoded.ok) return { _tag: "unworkable" as const, reason: `cannot encode the call: ${encoded.fragmentProblem ?? encoded.argument?.problem ?? "unknown problem"}` }
    if (body.params.gas_limit) return { to: body.params.to, value, data: encoded.data, gasLimit: BigInt(body.params.gas_limit) }
    const estimate = yield* nodes.callFor("ethereum", sender, "eth_estimateGas", [{ from: sender, to: body.params.to, data: encoded.data, value: hex(value) }])
    const gas = BigInt(String(estimate.result))
    return { to: body.params.to, value, data: encoded.data, gasLimit: gas + (gas * estimateMarginPercent) / 100n }
  })
