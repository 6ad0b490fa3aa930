/**
 * The whole failover lab in one handle: the namespaces and bridge (netns-lab.ts), the
 * processes started in them (lab-processes.ts), the etcd members (lab-etcd.ts) and,
 * when asked, the chain (lab-chain.ts). `teardown` stops every process by pid and deletes
 * the namespaces and the bridge; an interrupt (Ctrl-C, SIGTERM) or an exit before
 * teardown does the same synchronously, so no namespace outlives the run. The run
 * folder keeps the processes' logs; the etcd data is deleted with the lab.
 */
import { mkdirSync, rmSync } from "node:fs"
import { join } from "node:path"
import { guardInterrupt } from "../lib/interrupt-guard.ts"
import { createLab, type NetnsLab } from "./netns-lab.ts"
import { type EtcdTiming, etcdEndpoints, startLabEtcd } from "./lab-etcd.ts"
import { type LabChain, startLabChain } from "./lab-chain.ts"
import { makeProcessSet, type ProcessSet } from "../lib/netns-processes.ts"

/** What to build. */
export interface LabOptions {
  readonly nodes: number
  readonly etcd: EtcdTiming
  /** Start anvil and deploy a registry; 0 = automine, else seconds per block during the run. */
  readonly chain?: { readonly blockTimeS: number; readonly anvilPath?: string }
  readonly onEvent?: (line: string) => void
}

/** A running lab. */
export interface Lab {
  readonly net: NetnsLab
  readonly processes: ProcessSet
  /** The etcd client URLs the root namespace uses. */
  readonly etcdEndpoints: ReadonlyArray<string>
  readonly chain: LabChain | undefined
  /** `<runDir>/data`: etcd data dirs and generated configs. */
  readonly dataDir: string
  /** Stops every process by pid and deletes the namespaces and the bridge; safe to call twice. */
  readonly teardown: () => Promise<void>
}

/** Builds the lab; on any failure everything built so far is torn down before the error is rethrown. */
export const startLab = async (options: LabOptions): Promise<Lab> => {
  const net = createLab(options.nodes)
  const processes = makeProcessSet(net.runDir)
  const release = guardInterrupt(() => {
    processes.killAllNow()
    net.destroy()
    rmSync(join(net.runDir, "data"), { recursive: true, force: true })
  })
  let tornDown = false
  const teardown = async () => {
    if (tornDown) return
    tornDown = true
    // A cut node's link comes back first, so its processes are not stopped half cut off.
    for (const n of net.layout.nodes) if (net.isCut(n)) net.restore(n)
    await processes.stopAll(5000)
    net.destroy()
    // etcd preallocates its WAL (64 MB a member): keep the logs, drop the data.
    rmSync(join(net.runDir, "data"), { recursive: true, force: true })
    release()
  }
  try {
    options.onEvent?.(`lab: ${net.layout.nodes.length} nodes on ${net.layout.bridgeAddress}/24 (${net.layout.prefix}*), run folder ${net.runDir}`)
    const dataDir = join(net.runDir, "data")
    mkdirSync(dataDir, { recursive: true })
    await startLabEtcd(net.layout, processes, dataDir, options.etcd)
    options.onEvent?.(`lab: etcd healthy on ${net.layout.nodes.length} members`)
    const chain = options.chain === undefined ? undefined : await startLabChain(net.layout, processes, options.chain.blockTimeS, options.chain.anvilPath)
    if (chain !== undefined) options.onEvent?.(`lab: anvil on ${chain.rpcUrl}, registry ${chain.registryAddress}, a block every ${chain.blockTimeS} s`)
    return { net, processes, etcdEndpoints: etcdEndpoints(net.layout), chain, dataDir, teardown }
  } catch (e) {
    await teardown()
    throw e
  }
}
