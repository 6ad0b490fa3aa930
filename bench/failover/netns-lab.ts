/**
 * Builds, cuts and tears down a failover lab (see lab-layout.ts) with iproute2. A lab
 * is claimed by creating its bridge (atomic: a second run gets "exists" and takes the
 * next subnet), records its owner's pid under its run folder, and is torn down whole:
 * processes still inside its namespaces are killed by pid (`ip netns pids`), then the
 * namespaces (and with them the veth pairs) and the bridge are deleted. A lab whose owner
 * died without cleaning up (SIGKILL) is reaped by the next lab that is created.
 * Only names with the lab's own prefix are ever touched. Needs root. The namespace and
 * bridge pieces themselves are shared with the multi-host lab (bench/lib/netns.ts).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { BenchFailed } from "../lib/bench-definition.ts"
import { buildHost, claimBridge, destroyNetwork, ipOrThrow, linkNames, type NetnsNetwork, netnsNames, pidAlive, raiseBridge } from "../lib/netns.ts"
import { LAB_SUBNETS, type LabHost, type LabLayout, labHosts, labLayout, subnetOfName } from "./lab-layout.ts"

/** Where every lab keeps its run folder: `<LAB_ROOT>/lab-<subnet>/`. */
export const LAB_ROOT = "/tmp/gateway-failover"

/** The run folder of a lab: owner.pid, pids/, logs/, data/. */
export const labRunDir = (subnet: number): string => join(LAB_ROOT, `lab-${subnet}`)

const labFailed = (message: string) => new BenchFailed({ reason: `${message}; the failover lab needs root and iproute2` })

/** Runs `ip ARGS` and throws BenchFailed with its error text when it fails. */
const ipOrFail = (args: ReadonlyArray<string>): string => ipOrThrow(args, labFailed)

/** The bridge and namespaces of a failover lab, as the shared netns pieces see them. */
const networkOf = (layout: LabLayout): NetnsNetwork => ({
  bridge: layout.bridge,
  bridgeAddress: layout.bridgeAddress,
  prefixLength: layout.prefixLength,
  hosts: labHosts(layout),
})

/** Subnets some lab (live or stale) holds now. */
export const subnetsInUse = (): ReadonlySet<number> => {
  const used = new Set<number>()
  for (const name of [...netnsNames(), ...linkNames()]) {
    const s = subnetOfName(name)
    if (s !== undefined) used.add(s)
  }
  return used
}

/** Kills whatever still runs inside the lab's namespaces and deletes them and the bridge. Safe to call twice. */
export const destroyLabNetwork = (layout: LabLayout): void => destroyNetwork(networkOf(layout))

/** Tears down every lab whose owner process is gone; answers the subnets reaped. */
export const reapStaleLabs = (nodeCount: number): ReadonlyArray<number> => {
  const reaped: number[] = []
  for (const subnet of subnetsInUse()) {
    const owner = Number(readFileText(join(labRunDir(subnet), "owner.pid")).trim())
    if (Number.isInteger(owner) && owner > 0 && pidAlive(owner)) continue
    // Unknown or dead owner: a lab of this bench left behind; its node count may differ, so cover the most.
    destroyLabNetwork(labLayout(subnet, Math.max(nodeCount, 9)))
    rmSync(join(labRunDir(subnet), "data"), { recursive: true, force: true })
    reaped.push(subnet)
  }
  return reaped
}

const readFileText = (path: string): string => {
  try {
    return readFileSync(path, "utf8")
  } catch {
    return ""
  }
}

/** A built lab: cut and restore a host, and tear everything down. */
export interface NetnsLab {
  readonly layout: LabLayout
  readonly runDir: string
  /** Takes the host's bridge-side veth down: nothing reaches it and it reaches nothing but itself. */
  readonly cut: (host: LabHost) => void
  /** Brings the veth back up. */
  readonly restore: (host: LabHost) => void
  /** True while `host` is cut. */
  readonly isCut: (host: LabHost) => boolean
  /** Deletes the namespaces and the bridge (after killing what is left inside); safe to call twice. */
  readonly destroy: () => void
}

/**
 * Builds a lab of `nodeCount` nodes on the first free subnet (after reaping stale labs),
 * writes its owner pid, and answers it. Any failure part-way tears the lab down again.
 */
export const createLab = (nodeCount: number): NetnsLab => {
  if (process.getuid?.() !== 0) throw new BenchFailed({ reason: "the failover lab creates network namespaces: run it as root" })
  reapStaleLabs(nodeCount)
  for (let subnet = LAB_SUBNETS[0]; subnet <= LAB_SUBNETS[1]; subnet++) {
    if (subnetsInUse().has(subnet)) continue
    const layout = labLayout(subnet, nodeCount)
    if (!claimBridge(layout.bridge)) continue
    const runDir = labRunDir(subnet)
    try {
      rmSync(runDir, { recursive: true, force: true })
      mkdirSync(runDir, { recursive: true })
      writeFileSync(join(runDir, "owner.pid"), `${process.pid}\n`)
      const net = networkOf(layout)
      raiseBridge(net, labFailed)
      for (const h of net.hosts) buildHost(net, h, labFailed)
    } catch (e) {
      destroyLabNetwork(layout)
      throw e
    }
    const cut = new Set<string>()
    return {
      layout,
      runDir,
      cut: (h) => {
        ipOrFail(["link", "set", h.hostVeth, "down"])
        cut.add(h.name)
      },
      restore: (h) => {
        ipOrFail(["link", "set", h.hostVeth, "up"])
        cut.delete(h.name)
      },
      isCut: (h) => cut.has(h.name),
      destroy: () => destroyLabNetwork(layout),
    }
  }
  throw new BenchFailed({ reason: `no free lab subnet in 10.77.${LAB_SUBNETS[0]}-${LAB_SUBNETS[1]}.0/24; remove stale gwfo* namespaces (ip netns list)` })
}
