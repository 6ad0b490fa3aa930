/**
 * Builds, cuts and tears down a failover lab (see lab-layout.ts) with iproute2. A lab
 * is claimed by creating its bridge (atomic: a second run gets "exists" and takes the
 * next subnet), records its owner's pid under its run folder, and is torn down whole:
 * processes still inside its namespaces are killed by pid (`ip netns pids`), then the
 * namespaces (and with them the veth pairs) and the bridge are deleted. A lab whose owner
 * died without cleaning up (SIGKILL) is reaped by the next lab that is created.
 * Only names with the lab's own prefix are ever touched. Needs root.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { BenchFailed } from "../lib/bench-definition.ts"
import { LAB_SUBNETS, type LabHost, type LabLayout, labHosts, labLayout, subnetOfName } from "./lab-layout.ts"

/** Where every lab keeps its run folder: `<LAB_ROOT>/lab-<subnet>/`. */
export const LAB_ROOT = "/tmp/gateway-failover"

/** The run folder of a lab: owner.pid, pids/, logs/, data/. */
export const labRunDir = (subnet: number): string => join(LAB_ROOT, `lab-${subnet}`)

/** The outcome of one `ip` command. */
interface IpResult {
  readonly ok: boolean
  readonly out: string
  readonly err: string
}

/** Runs `ip ARGS` synchronously (each call takes a few milliseconds). */
export const ip = (args: ReadonlyArray<string>): IpResult => {
  const r = Bun.spawnSync(["ip", ...args], { stdout: "pipe", stderr: "pipe" })
  return { ok: r.exitCode === 0, out: r.stdout.toString(), err: r.stderr.toString().trim() }
}

/** Runs `ip ARGS` and throws BenchFailed with its error text when it fails. */
const ipOrFail = (args: ReadonlyArray<string>): string => {
  const r = ip(args)
  if (!r.ok) throw new BenchFailed({ reason: `ip ${args.join(" ")} failed: ${r.err}; the failover lab needs root and iproute2` })
  return r.out
}

/** The argv that runs `argv` inside `netns` (the command replaces `ip`, so its pid is the command's). */
export const inNetns = (netns: string, argv: ReadonlyArray<string>): ReadonlyArray<string> => ["ip", "netns", "exec", netns, ...argv]

/** Names of every network namespace on the machine. */
const netnsNames = (): ReadonlyArray<string> =>
  ip(["netns", "list"])
    .out.split("\n")
    .map((l) => l.split(" ")[0] ?? "")
    .filter((n) => n !== "")

/** Names of every link in the root namespace. */
const linkNames = (): ReadonlyArray<string> =>
  ip(["-o", "link", "show"])
    .out.split("\n")
    .map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1] ?? "")
    .filter((n) => n !== "")

/** Subnets some lab (live or stale) holds now. */
export const subnetsInUse = (): ReadonlySet<number> => {
  const used = new Set<number>()
  for (const name of [...netnsNames(), ...linkNames()]) {
    const s = subnetOfName(name)
    if (s !== undefined) used.add(s)
  }
  return used
}

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** The pids of processes inside `netns` (any left there are the lab's own). */
export const netnsPids = (netns: string): ReadonlyArray<number> =>
  ip(["netns", "pids", netns])
    .out.split("\n")
    .map((l) => Number(l.trim()))
    .filter((p) => Number.isInteger(p) && p > 0)

/** Kills whatever still runs inside the lab's namespaces and deletes them and the bridge. Safe to call twice. */
export const destroyLabNetwork = (layout: LabLayout): void => {
  const existing = new Set(netnsNames())
  for (const h of labHosts(layout)) {
    if (!existing.has(h.netns)) continue
    for (const pid of netnsPids(h.netns)) {
      try {
        process.kill(pid, "SIGKILL")
      } catch { /* already gone */ }
    }
  }
  // A namespace with a process still in it outlives `ip netns del`; wait for the kills to land.
  const until = Date.now() + 3000
  while (Date.now() < until && labHosts(layout).some((h) => existing.has(h.netns) && netnsPids(h.netns).length > 0)) Bun.sleepSync(50)
  for (const h of labHosts(layout)) if (existing.has(h.netns)) ip(["netns", "del", h.netns])
  const links = new Set(linkNames())
  for (const h of labHosts(layout)) if (links.has(h.hostVeth)) ip(["link", "del", h.hostVeth])
  if (links.has(layout.bridge)) ip(["link", "del", layout.bridge])
}

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

/** Creates the bridge of `layout`, or answers false when another lab holds its name. */
const claimBridge = (layout: LabLayout): boolean => ip(["link", "add", layout.bridge, "type", "bridge"]).ok

/** Brings up one host: namespace, veth pair into it, address, loopback, and the route to the bridge. */
const buildHost = (layout: LabLayout, h: LabHost): void => {
  ipOrFail(["netns", "add", h.netns])
  ipOrFail(["link", "add", h.hostVeth, "type", "veth", "peer", "name", h.innerVeth, "netns", h.netns])
  ipOrFail(["link", "set", h.hostVeth, "master", layout.bridge])
  ipOrFail(["link", "set", h.hostVeth, "up"])
  ipOrFail(["-n", h.netns, "addr", "add", `${h.address}/${layout.prefixLength}`, "dev", h.innerVeth])
  ipOrFail(["-n", h.netns, "link", "set", "lo", "up"])
  ipOrFail(["-n", h.netns, "link", "set", h.innerVeth, "up"])
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
    if (!claimBridge(layout)) continue
    const runDir = labRunDir(subnet)
    try {
      rmSync(runDir, { recursive: true, force: true })
      mkdirSync(runDir, { recursive: true })
      writeFileSync(join(runDir, "owner.pid"), `${process.pid}\n`)
      ipOrFail(["addr", "add", `${layout.bridgeAddress}/${layout.prefixLength}`, "dev", layout.bridge])
      ipOrFail(["link", "set", layout.bridge, "up"])
      for (const h of labHosts(layout)) buildHost(layout, h)
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
