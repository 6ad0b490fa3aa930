/**
 * Network namespaces on one bridge, with iproute2: the pieces both labs use (the failover
 * lab of paper B, bench/failover/netns-lab.ts, and the multi-host lab of a config file,
 * bench/lab/). A host is a namespace with a veth pair from the bridge into it and one
 * address; it is torn down by killing what still runs inside (`ip netns pids`), then
 * deleting the namespace (which takes the veth pair with it) and the bridge. Only the
 * names a caller passes are ever touched. Needs root.
 */

/** One namespace on the bridge. */
export interface NetnsHost {
  /** The host's name in its lab (`n1`, `broker-1`). */
  readonly name: string
  /** The network namespace (`gwfo7-n1`, `gwl0-broker-1`). */
  readonly netns: string
  /** The veth end on the bridge, in the root namespace; taking it down cuts the host off. */
  readonly hostVeth: string
  /** The veth end inside the namespace. */
  readonly innerVeth: string
  readonly address: string
}

/** A bridge and the namespaces on it. */
export interface NetnsNetwork {
  readonly bridge: string
  /** The bridge's own address: the root namespace reaches the hosts through it. */
  readonly bridgeAddress: string
  readonly prefixLength: number
  readonly hosts: ReadonlyArray<NetnsHost>
}

/** The outcome of one `ip` command. */
export interface IpResult {
  readonly ok: boolean
  readonly out: string
  readonly err: string
}

/** Runs `ip ARGS` synchronously (each call takes a few milliseconds). */
export const ip = (args: ReadonlyArray<string>): IpResult => {
  const r = Bun.spawnSync(["ip", ...args], { stdout: "pipe", stderr: "pipe" })
  return { ok: r.exitCode === 0, out: r.stdout.toString(), err: r.stderr.toString().trim() }
}

/** Runs `ip ARGS`; when it fails, throws what `fail` makes of its error text. */
export const ipOrThrow = (args: ReadonlyArray<string>, fail: (message: string) => Error): string => {
  const r = ip(args)
  if (!r.ok) throw fail(`ip ${args.join(" ")} failed: ${r.err}`)
  return r.out
}

/** The argv that runs `argv` inside `netns` (the command replaces `ip`, so its pid is the command's). */
export const inNetns = (netns: string, argv: ReadonlyArray<string>): ReadonlyArray<string> => ["ip", "netns", "exec", netns, ...argv]

/** Names of every network namespace on the machine. */
export const netnsNames = (): ReadonlyArray<string> =>
  ip(["netns", "list"])
    .out.split("\n")
    .map((l) => l.split(" ")[0] ?? "")
    .filter((n) => n !== "")

/** Names of every link in the root namespace. */
export const linkNames = (): ReadonlyArray<string> =>
  ip(["-o", "link", "show"])
    .out.split("\n")
    .map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1] ?? "")
    .filter((n) => n !== "")

/** True while `pid` is a live process. */
export const pidAlive = (pid: number): boolean => {
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

/** The namespace `pid` runs in, or undefined in the root namespace (or when it is gone). */
export const netnsOfPid = (pid: number): string | undefined => {
  const name = ip(["netns", "identify", String(pid)]).out.trim()
  return name === "" ? undefined : name
}

/** Creates the bridge, or answers false when it exists already (another lab holds the name). */
export const claimBridge = (bridge: string): boolean => ip(["link", "add", bridge, "type", "bridge"]).ok

/** Gives the claimed bridge its address and brings it up. */
export const raiseBridge = (net: NetnsNetwork, fail: (message: string) => Error): void => {
  ipOrThrow(["addr", "add", `${net.bridgeAddress}/${net.prefixLength}`, "dev", net.bridge], fail)
  ipOrThrow(["link", "set", net.bridge, "up"], fail)
}

/** Brings up one host: namespace, veth pair into it, address, loopback, and the link to the bridge. */
export const buildHost = (net: NetnsNetwork, h: NetnsHost, fail: (message: string) => Error): void => {
  ipOrThrow(["netns", "add", h.netns], fail)
  ipOrThrow(["link", "add", h.hostVeth, "type", "veth", "peer", "name", h.innerVeth, "netns", h.netns], fail)
  ipOrThrow(["link", "set", h.hostVeth, "master", net.bridge], fail)
  ipOrThrow(["link", "set", h.hostVeth, "up"], fail)
  ipOrThrow(["-n", h.netns, "addr", "add", `${h.address}/${net.prefixLength}`, "dev", h.innerVeth], fail)
  ipOrThrow(["-n", h.netns, "link", "set", "lo", "up"], fail)
  ipOrThrow(["-n", h.netns, "link", "set", h.innerVeth, "up"], fail)
}

/** Kills whatever still runs inside the network's namespaces and deletes them and the bridge. Safe to call twice. */
export const destroyNetwork = (net: NetnsNetwork): void => {
  const existing = new Set(netnsNames())
  const present = net.hosts.filter((h) => existing.has(h.netns))
  for (const h of present) {
    for (const pid of netnsPids(h.netns)) {
      try {
        process.kill(pid, "SIGKILL")
      } catch { /* already gone */ }
    }
  }
  // A namespace with a process still in it outlives `ip netns del`; wait for the kills to land.
  const until = Date.now() + 3000
  while (Date.now() < until && present.some((h) => netnsPids(h.netns).length > 0)) Bun.sleepSync(50)
  for (const h of present) ip(["netns", "del", h.netns])
  const links = new Set(linkNames())
  for (const h of net.hosts) if (links.has(h.hostVeth)) ip(["link", "del", h.hostVeth])
  if (links.has(net.bridge)) ip(["link", "del", net.bridge])
}
