/**
 * The lab's Ethereum node: one anvil in the lab's `chain` namespace, reachable from the
 * nodes and the bench across the bridge. It starts on automine so a fresh
 * ServiceRegistry deploys at once, then mines a block every `blockTimeS` seconds for the
 * run, as the paper's private chain did (10-15 s).
 */
import { Effect } from "effect"
import { accountFromKey, closeEthereumNode, ethereumCall, makeEthereumNode } from "../../src/adapters/ethereum.ts"
import { DEFAULT_CLAIM_BOUND, deployRegistry } from "../../src/registry/index.ts"
import { BenchFailed } from "../lib/bench-definition.ts"
import { findAnvil } from "../scale/anvil-fleet.ts"
import type { LabHost, LabLayout } from "./lab-layout.ts"
import { logTail, type ProcessSet } from "../lib/netns-processes.ts"

/** anvil's port inside the chain namespace. */
export const ANVIL_PORT = 8545
/** anvil's chain id. */
export const LAB_CHAIN_ID = 31337

/**
 * anvil's published dev keys (from the test mnemonic every anvil starts with): #0 manages
 * the registry (the replicas' `GATEWAY_REGISTRY_KEY`), #1 is the client's claim key.
 */
export const DEV_KEYS = {
  manager: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  claimant: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
} as const

/** The running chain with its registry. */
export interface LabChain {
  readonly rpcUrl: string
  readonly registryAddress: string
  readonly blockTimeS: number
}

/** The RPC URL of the lab's anvil. */
export const chainRpcUrl = (layout: LabLayout): string => `http://${layout.chain.address}:${ANVIL_PORT}`

const rpcAnswers = async (url: string): Promise<boolean> => {
  try {
    const r = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(1000),
    })
    return r.ok
  } catch {
    return false
  }
}

/** Starts anvil in the chain namespace, deploys a registry, then switches to a block every `blockTimeS` s. */
export const startLabChain = (layout: LabLayout, processes: ProcessSet, blockTimeS: number, anvilPath = ""): Promise<LabChain> =>
  startAnvilWithRegistry({ host: layout.chain, port: ANVIL_PORT, name: "anvil" }, processes, blockTimeS, anvilPath)

/** Where one anvil runs: its namespace and address, its port, and its process name. */
export interface AnvilPlace {
  readonly host: LabHost
  readonly port: number
  readonly name: string
}

/** Starts anvil in `place`'s namespace on its address, deploys a registry, then switches to a block every `blockTimeS` s (0: automine). */
export const startAnvilWithRegistry = async (place: AnvilPlace, processes: ProcessSet, blockTimeS: number, anvilPath = ""): Promise<LabChain> => {
  const binary = findAnvil(anvilPath, process.cwd())
  if (binary === undefined) throw new BenchFailed({ reason: "anvil not found: run npm install (it carries @foundry-rs/anvil) or pass --anvil" })
  const anvil = processes.start({
    name: place.name,
    netns: place.host.netns,
    argv: [binary, "--host", place.host.address, "--port", String(place.port), "--chain-id", String(LAB_CHAIN_ID), "--order", "fifo", "--silent"],
  })
  const rpcUrl = `http://${place.host.address}:${place.port}`
  const until = Date.now() + 30_000
  while (!(await rpcAnswers(rpcUrl))) {
    if (anvil.proc.exitCode !== null || Date.now() > until) throw new BenchFailed({ reason: `anvil in ${place.host.netns} did not answer on ${rpcUrl}: ${await logTail(anvil)}` })
    await Bun.sleep(100)
  }
  const node = makeEthereumNode({ name: "lab-anvil", url: rpcUrl, chainId: LAB_CHAIN_ID, pollingIntervalMs: 100 })
  try {
    const account = accountFromKey(node, DEV_KEYS.manager)
    if (account === undefined) throw new BenchFailed({ reason: "the dev key is malformed" })
    const deployed = await Effect.runPromise(deployRegistry(account, DEFAULT_CLAIM_BOUND, { confirmations: 1, timeoutMs: 30_000 }))
    if (blockTimeS > 0) await Effect.runPromise(ethereumCall(node, "evm_setIntervalMining", [blockTimeS]))
    return { rpcUrl, registryAddress: deployed.registry.address, blockTimeS }
  } finally {
    await Effect.runPromise(closeEthereumNode(node))
  }
}
