/**
 * One wallet RPC step: the call to make and the parser of its answer. Keeping the two
 * together, as data, lets the unit tests check every call shape and every parser
 * without a node, and lets the executor run the same step against btcwallet or Bitcoin
 * Core through the one Bitcoin RPC client (`bitcoin-rpc.ts`).
 *
 * A node answer that does not have the shape the step expects is `MalformedAnswer`: a
 * node (or a proxy in front of it) answering something else is not a refusal, and the
 * executor must not read it as one.
 */
import { Data, Effect, Result } from "effect"
import { bitcoinCall, type BitcoinEndpoint, type BitcoinRpcError } from "../bitcoin-rpc.ts"
import { NodeRejected } from "../errors.ts"

/** Which wallet implementation answers the node's RPC. */
export type WalletKind = "btcwallet" | "bitcoind"

/** One JSON-RPC call. */
export interface WalletCall {
  readonly method: string
  readonly params: readonly unknown[]
}

/** The node answered, but not in the shape the step expects. */
export class MalformedAnswer extends Data.TaggedError("MalformedAnswer")<{
  readonly method: string
  readonly detail: string
}> {
  override get message() {
    return `unexpected answer to ${this.method}: ${this.detail}`
  }
}

/**
 * A call and the parser of its result. `whenRejected` turns a refusal with a given
 * JSON-RPC code into an answer, for calls where the refusal is the answer (an unknown
 * txid); it reads the code only, never the message.
 */
export interface WalletStep<A, E = MalformedAnswer> {
  readonly call: WalletCall
  readonly parse: (result: unknown) => Result.Result<A, E>
  readonly whenRejected?: (code: number) => A | undefined
}

/** Runs `step` against `node`. */
export const runStep = <A, E>(node: BitcoinEndpoint, step: WalletStep<A, E>): Effect.Effect<A, BitcoinRpcError | E> =>
  bitcoinCall(node, step.call.method, step.call.params).pipe(
    Effect.flatMap((result): Effect.Effect<A, BitcoinRpcError | E> => {
      const parsed = step.parse(result)
      return Result.isSuccess(parsed) ? Effect.succeed(parsed.success) : Effect.fail(parsed.failure)
    }),
    Effect.catch((error): Effect.Effect<A, BitcoinRpcError | E> => {
      const answer = error instanceof NodeRejected ? step.whenRejected?.(error.code) : undefined
      return answer === undefined ? Effect.fail(error) : Effect.succeed(answer)
    }),
  )

/** A JSON object's fields, for parsers. */
export type Fields = Readonly<Record<string, unknown>>

/** True for a JSON object (not an array, not null). */
export const isFields = (value: unknown): value is Fields => typeof value === "object" && value !== null && !Array.isArray(value)

const txidPattern = /^[0-9a-f]{64}$/
const hexPattern = /^(?:[0-9a-fA-F]{2})*$/

/** True for a txid as nodes write it: 64 lower-case hex digits. */
export const isTxid = (value: unknown): value is string => typeof value === "string" && txidPattern.test(value)

/** True for an even-length hex string. */
export const isHex = (value: unknown): value is string => typeof value === "string" && hexPattern.test(value)

/** True for a whole number ≥ 0. */
export const isCount = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value >= 0
