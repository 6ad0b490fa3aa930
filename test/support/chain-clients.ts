/**
 * Direct clients of the real stack for test assertions: the Bitcoin wallet, the
 * Ethereum node, and Kafka read-back. Tests check what really happened on the chains and
 * in the topics, never only what the gateway says.
 */
import { Effect } from "effect"
import { bitcoinCall } from "../../src/adapters/bitcoin-rpc.ts"
import { ethereumCall, makeEthereumNode } from "../../src/adapters/ethereum.ts"
import { kafkaCall, makeCluster, scopedAdmin } from "../../src/adapters/kafka.ts"

/** The local stack's wallet. */
export const wallet = {
  name: "btc-1",
  url: "http://127.0.0.1:18554",
  user: "gateway",
  password: process.env.GATEWAY_BTC_PASSWORD ?? "",
  timeoutMs: 30_000,
}

/** Calls the wallet directly. */
export const btc = (method: string, params: readonly unknown[] = []) => Effect.runPromise(bitcoinCall(wallet, method, params))

const eth = makeEthereumNode({ name: "anvil", url: "http://127.0.0.1:8545", chainId: 31337, pollingIntervalMs: 100 })

/** Calls anvil directly. */
export const ethRpc = (method: string, params: readonly unknown[] = []) => Effect.runPromise(ethereumCall(eth, method, params))

/** anvil's first ten dev accounts (from its published test mnemonic). */
export const anvilAccounts = [
  "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
  "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
  "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
  "0x90f79bf6eb2c4f870365e785982e1f101e93b906",
  "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65",
  "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc",
  "0x976ea74026e726554db657fa54763abd0c3a0aa9",
  "0x14dc79964da2c08b23698b3d3cc7ca32193d9955",
  "0x23618e81e3f5cdf7f54c3d65f7fbc0abf5b21e8f",
  "0xa0ee7a142d267c1f36714e4a8f75612f20a79720",
]

/** A sender's confirmed transaction count (its next nonce). */
export const nonceOf = async (address: string) => Number(await ethRpc("eth_getTransactionCount", [address, "latest"]))

const brokers = ["127.0.0.1:19092", "127.0.0.1:19093", "127.0.0.1:19094"]

/** Messages in `topic` per partition: end offset minus start offset, summed (on the shared stack, or on `on`). */
export const topicMessageCount = (topic: string, on: readonly string[] = brokers) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const cluster = makeCluster({ brokers: on, clientId: "test-readback", connectionTimeoutMs: 3000, requestTimeoutMs: 30000 })
        const admin = yield* scopedAdmin(cluster)
        const topics = yield* kafkaCall(cluster, "listTopics", () => admin.listTopics())
        if (!topics.includes(topic)) return 0
        const offsets = yield* kafkaCall(cluster, "fetchTopicOffsets", () => admin.fetchTopicOffsets(topic))
        return offsets.reduce((sum, o) => sum + Number(BigInt(o.high) - BigInt(o.low)), 0)
      }),
    ),
  )
