/**
 * The addresses the clients read, and the transfers that change them. Each
 * run makes fresh addresses and gives each a balance of its own (1 ETH plus
 * its index in gwei), so an answer for the wrong address cannot pass as
 * right; the burst's transfers pay 1 wei to addresses drawn from the same
 * Zipf mix as the reads, so the balances clients ask about most are the
 * ones that move from block to block while the burst drains.
 */
import { Effect } from "effect"
import { ethereumCall, type EthereumNode } from "../../src/adapters/ethereum.ts"
import { BenchFailed } from "../lib/bench-definition.ts"

const ONE_ETH = 10n ** 18n
const GWEI = 10n ** 9n

/** `count` fresh random addresses (lower-case hex), prefixed `0x4ea0` so bench traffic is easy to spot on the chain. */
export const hotAddresses = (count: number): ReadonlyArray<string> =>
  Array.from({ length: count }, () => `0x4ea0${Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("hex")}`)

/** The balance address `index` is given: distinct for every address, far apart from 1-wei transfers. */
export const seedBalance = (index: number): bigint => ONE_ETH + BigInt(index) * GWEI

/** Sets every address's balance with `anvil_setBalance`, then mines a block so the balances belong to one. */
export const seedBalances = (node: EthereumNode, addresses: ReadonlyArray<string>): Promise<void> =>
  Effect.runPromise(
    Effect.forEach(addresses, (a, i) => ethereumCall(node, "anvil_setBalance", [a, `0x${seedBalance(i).toString(16)}`]), { concurrency: 8, discard: true }).pipe(
      Effect.andThen(ethereumCall(node, "evm_mine", [])),
      Effect.asVoid,
      Effect.mapError((e) => new BenchFailed({ reason: `seeding the hot addresses failed at ${node.endpoint.url} (${e.message}); the reads bench needs anvil (anvil_setBalance, evm_mine)` })),
    ),
  )

/** `count` 1-wei transfers, senders round-robin, each to the address `pick` draws. */
export const transfersTo = (from: ReadonlyArray<string>, to: ReadonlyArray<string>, pick: () => number, count: number): ReadonlyArray<unknown> =>
  Array.from({ length: count }, (_, i) => ({ chain: "ethereum", method: "transfer", params: { from: from[i % from.length], to: to[pick()] ?? to[0], value: "1" } }))
