/**
 * What validation needs to know about this gateway, and what it produces. Kept apart
 * from the HTTP layer so the validators stay pure and can be table-tested directly.
 */
import type { RequestBody } from "../../domain/request.ts"
import type { BitcoinNetwork } from "./bitcoin-network.ts"

/** The configuration a request is checked against. */
export interface ValidationContext {
  /** Addresses must belong to this network (version bytes and segwit prefix). */
  readonly bitcoinNetwork: BitcoinNetwork
  /** Raw transactions must be signed for this chain id. */
  readonly ethereumChainId: number
  /** The wallet account `sendtoaddress` spends from, so it is the sender (and the Kafka key) of those requests. */
  readonly bitcoinDefaultAccount: string
}

/** A request that passed every check: the normalised body and who pays (the Kafka key's second half). */
export interface ValidRequest {
  readonly body: RequestBody
  readonly sender: string
}
