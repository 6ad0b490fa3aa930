/**
 * The scale bench's requests: `bump(amount)` on Counter, one distinct
 * amount per request so the chains can tell every request apart, each with
 * a fixed gas limit so the gateway signs without asking a node to estimate.
 */
import { BUMP_FRAGMENT, BUMP_GAS_LIMIT } from "./counter-chain.ts"

/**
 * One contract-call body per amount; call `i` is sent by sender
 * `floor(i / callsPerSender)`, so each sender's calls are consecutive (and
 * take consecutive nonces).
 */
export const bumpBodies = (senders: ReadonlyArray<string>, counter: string, amounts: ReadonlyArray<bigint>, callsPerSender: number): ReadonlyArray<unknown> =>
  amounts.map((amount, i) => ({
    chain: "ethereum",
    method: "call",
    params: {
      from: senders[Math.floor(i / callsPerSender) % Math.max(1, senders.length)],
      to: counter,
      abi: BUMP_FRAGMENT,
      args: [amount.toString()],
      gas_limit: String(BUMP_GAS_LIMIT),
    },
  }))
