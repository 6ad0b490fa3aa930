/**
 * When the attacker cuts a node, as pure data. Cut k (k = 1, 2, ...) starts at
 * k*period - outage and ends at k*period, for every k with k*period <= duration: each
 * outage ends on a multiple of the period, the first period begins quietly, and a
 * 600 s run has 10, 20 or 24 cuts at periods of 60, 30 or 25 s.
 */

/**
 * Which node the attacker cuts: any node at random, the current leader's, or the node
 * whose etcd member leads etcd's raft group (every lease renewal then waits for etcd to
 * elect again, whichever replica leads the service).
 */
export type AttackMode = "random" | "leader" | "etcd-leader"

/** The two modes of paper B's Table 2. */
export type PaperMode = Exclude<AttackMode, "etcd-leader">

/** One planned outage, in ms from the start of the load. */
export interface PlannedCut {
  readonly index: number
  readonly startMs: number
  readonly endMs: number
}

/** The cuts of a run of `durationS` seconds with a cut of `outageS` every `periodS`. */
export const attackSchedule = (durationS: number, periodS: number, outageS: number): ReadonlyArray<PlannedCut> => {
  if (outageS <= 0 || periodS <= 0) return []
  if (outageS > periodS) throw new RangeError(`the outage (${outageS} s) must not be longer than the period (${periodS} s)`)
  const cuts: PlannedCut[] = []
  for (let k = 1; k * periodS <= durationS; k++) cuts.push({ index: k, startMs: (k * periodS - outageS) * 1000, endMs: k * periodS * 1000 })
  return cuts
}

/** Picks the node to cut: the leader in leader mode, etcd's raft leader in etcd-leader mode, when known; else a random node. */
export const pickTarget = (mode: AttackMode, nodes: ReadonlyArray<string>, leader: string | undefined, random: () => number, etcdLeader?: string): string => {
  if (mode === "leader" && leader !== undefined && nodes.includes(leader)) return leader
  if (mode === "etcd-leader" && etcdLeader !== undefined && nodes.includes(etcdLeader)) return etcdLeader
  const i = Math.min(nodes.length - 1, Math.floor(random() * nodes.length))
  const node = nodes[i]
  if (node === undefined) throw new RangeError("no node to cut")
  return node
}
