/**
 * Senders a bench makes for itself: new random keys, handed to the spawned
 * gateway only so no one else's nonces are touched, funded through anvil's
 * RPC on every node they will send from.
 */
import { Effect } from "effect"
import { ethereumCall, type EthereumNode, signersFromKeyList } from "../../src/adapters/ethereum.ts"
import { BenchFailed } from "./bench-definition.ts"

/** Signing keys and their lower-case addresses, in the same order. */
export interface SenderKeys {
  readonly keys: ReadonlyArray<string>
  readonly addresses: ReadonlyArray<string>
}

/** `count` new random private keys (never used anywhere before) and their addresses. */
export const freshKeys = (count: number): SenderKeys => {
  const keys = Array.from({ length: count }, () => `0x${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex")}`)
  return { keys, addresses: [...signersFromKeyList(keys.join(",")).keys()] }
}

/** 10 ETH: gas for thousands of transfers or calls at anvil's fees. */
const FUNDS = "0x8ac7230489e80000"

/** Gives every address a balance on every node through anvil's `anvil_setBalance`; `bench` names who needs anvil when it fails. */
export const fundAddresses = (nodes: ReadonlyArray<EthereumNode>, addresses: ReadonlyArray<string>, bench: string): Promise<void> =>
  Effect.runPromise(
    Effect.forEach(
      nodes.flatMap((node) => addresses.map((a) => [node, a] as const)),
      ([node, a]) =>
        ethereumCall(node, "anvil_setBalance", [a, FUNDS]).pipe(
          Effect.mapError((e) => new BenchFailed({ reason: `anvil_setBalance failed at ${node.endpoint.url} (${e.message}); the ${bench} bench funds fresh keys and needs anvil` })),
        ),
      { concurrency: 8, discard: true },
    ),
  )
