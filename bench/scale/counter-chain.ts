/**
 * The scale bench's contract on each chain: `Counter`, deployed from one
 * fresh key with nonce 0 on every node, so it sits at the same address
 * everywhere and one request body fits any node the gateway picks; and the
 * on-chain tally that judges a run, read from the contract's `Bumped`
 * events, because the chain, not the gateway's own statuses, says what was
 * executed and how often.
 */
import { Effect } from "effect"
import {
  accountFromKey,
  closeEthereumNode,
  contractLogs,
  ethereumCall,
  type EthereumNode,
  makeContractCodec,
  makeEthereumNode,
  sendContractTransaction,
} from "../../src/adapters/ethereum.ts"
import { BenchFailed } from "../lib/bench-definition.ts"
import { freshKeys, fundAddresses } from "../lib/fresh-keys.ts"
import artifact from "./counter-artifact.json" with { type: "json" }

/** The function every request calls, as the intake takes it. */
export const BUMP_FRAGMENT = "function bump(uint256 by)"

/** Gas one warm `bump` uses on anvil (cancun): measured, for sizing blocks. */
export const BUMP_GAS_USED = 33_477

/** The gas limit each request carries, so the gateway never asks the node to estimate (no eth_call-like work per request). */
export const BUMP_GAS_LIMIT = 80_000

/**
 * A block gas limit that holds `calls` bump calls: anvil adds a transaction
 * while the gas left is at least its gas limit, so `calls - 1` used calls
 * plus one full limit, with half a call of slack.
 */
export const blockGasLimitFor = (calls: number): number => (calls - 1) * BUMP_GAS_USED + BUMP_GAS_LIMIT + Math.floor(BUMP_GAS_USED / 2)

const codec = makeContractCodec(artifact.abi)
const bumpedTopic = codec.eventTopic("Bumped")

/** An endpoint for the bench's own calls to one node (setup and tally; never through the proxy). */
export const benchNode = (name: string, url: string, chainId: number): EthereumNode =>
  makeEthereumNode({ name, url, chainId, pollingIntervalMs: 100 })

/** Deploys Counter on every node from one fresh key (nonce 0 everywhere) and checks that the addresses agree. */
export const deployCounter = async (nodes: ReadonlyArray<EthereumNode>, timeoutMs: number): Promise<string> => {
  const deployer = freshKeys(1)
  const key = deployer.keys[0] ?? ""
  await fundAddresses(nodes, deployer.addresses, "scale")
  const addresses = await Effect.runPromise(
    Effect.forEach(
      nodes,
      (node) => {
        const account = accountFromKey(node, key)
        if (account === undefined) return Effect.die(new Error("deployCounter: a fresh key is not a valid key"))
        return Effect.map(sendContractTransaction(account, { to: null, data: artifact.bytecode, confirmations: 1, timeoutMs }), (mined) => mined.contractAddress ?? "")
      },
      { concurrency: "unbounded" },
    ).pipe(Effect.mapError((e) => new BenchFailed({ reason: `deploying Counter failed: ${e.message}` }))),
  )
  const first = addresses[0] ?? ""
  if (first === "" || addresses.some((a) => a !== first)) {
    throw new BenchFailed({ reason: `Counter landed at different addresses (${addresses.join(", ")}); every node must be a fresh chain where the deployer's nonce is 0` })
  }
  return first
}

/** One applied call, as the chain recorded it. */
export interface Execution {
  readonly amount: bigint
  readonly txHash: string
  readonly block: number
}

/** Every `Bumped` event of `counter` on `node` from `fromBlock` on. */
export const executionsOn = (node: EthereumNode, counter: string, fromBlock: number): Promise<ReadonlyArray<Execution>> =>
  Effect.runPromise(
    Effect.map(contractLogs(node, { address: counter, topics: [bumpedTopic], fromBlock, toBlock: "latest" }), (logs) =>
      logs.flatMap((log): Array<Execution> => {
        const decoded = codec.decodeLog(log)
        const amount = decoded?.args[1]
        return typeof amount === "bigint" ? [{ amount, txHash: log.transactionHash, block: log.blockNumber }] : []
      }),
    ).pipe(Effect.mapError((e) => new BenchFailed({ reason: `eth_getLogs at ${node.endpoint.url} failed: ${e.message}` }))),
  )

/** The head block number of `node`. */
export const headOf = (node: EthereumNode): Promise<number> =>
  Effect.runPromise(Effect.map(ethereumCall(node, "eth_blockNumber"), (n) => Number(n)).pipe(Effect.mapError((e) => new BenchFailed({ reason: `eth_blockNumber at ${node.endpoint.url} failed: ${e.message}` }))))

/** The timestamps (epoch s) of blocks `from..to` on `node`. */
export const blockTimes = (node: EthereumNode, blocks: ReadonlyArray<number>): Promise<ReadonlyMap<number, number>> =>
  Effect.runPromise(
    Effect.forEach(
      blocks,
      (b) => Effect.map(ethereumCall(node, "eth_getBlockByNumber", [`0x${b.toString(16)}`, false]), (raw) => [b, Number((raw as { timestamp?: string } | null)?.timestamp ?? "0")] as const),
      { concurrency: 8 },
    ).pipe(Effect.mapError((e) => new BenchFailed({ reason: `eth_getBlockByNumber at ${node.endpoint.url} failed: ${e.message}` }))),
  ).then((pairs) => new Map(pairs))

/** Releases a node's provider. */
export const closeNode = (node: EthereumNode): Promise<void> => Effect.runPromise(closeEthereumNode(node))
