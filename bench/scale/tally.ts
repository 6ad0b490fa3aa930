/**
 * What the chains say about one phase: each request carries a distinct
 * amount, so the `Bumped` events of every node show which requests were
 * executed, on which node, and whether any was executed more than once
 * (on one chain, or copied to a second one). Pure, so it is tested on its
 * own.
 */
import type { Execution } from "./counter-chain.ts"

/** The events of one node, with the epoch-second timestamp of each block that holds one. */
export interface NodeExecutions {
  readonly node: string
  readonly executions: ReadonlyArray<Execution>
  readonly blockTimes: ReadonlyMap<number, number>
}

/** The on-chain verdict on one phase. */
export interface Tally {
  readonly expected: number
  /** Requests executed at least once somewhere. */
  readonly executed: number
  /** Requests executed nowhere. */
  readonly missing: number
  /** Requests executed more than once in all (any node, every copy counted). */
  readonly duplicated: number
  /** Requests executed more than once on one node: a true exactly-once breach on that chain. */
  readonly duplicatedOnOneNode: number
  /** Requests executed on more than one node: the same signed transaction copied to a second, independent chain. */
  readonly onSeveralNodes: number
  /** Executions in all, counting every copy. */
  readonly executions: number
  /** Executions per node, counting every copy. */
  readonly perNode: Readonly<Record<string, number>>
  /** Requests whose first execution was on each node. */
  readonly firstPerNode: Readonly<Record<string, number>>
  /** Epoch s of the block of each request's first execution, sorted. */
  readonly firstExecutionTimes: ReadonlyArray<number>
}

/** Tallies `nodes` against the phase's amounts (events with other amounts are ignored). */
export const tallyPhase = (amounts: ReadonlyArray<bigint>, nodes: ReadonlyArray<NodeExecutions>): Tally => {
  const wanted = new Set(amounts)
  const seen = new Map<bigint, { count: number; nodes: Set<string>; repeatedOnOne: boolean; first: { node: string; time: number; block: number } }>()
  const perNode: Record<string, number> = {}
  let executions = 0
  for (const n of nodes) {
    perNode[n.node] = 0
    for (const e of n.executions) {
      if (!wanted.has(e.amount)) continue
      executions++
      perNode[n.node] = (perNode[n.node] ?? 0) + 1
      const time = n.blockTimes.get(e.block) ?? Number.POSITIVE_INFINITY
      const entry = seen.get(e.amount)
      if (entry === undefined) {
        seen.set(e.amount, { count: 1, nodes: new Set([n.node]), repeatedOnOne: false, first: { node: n.node, time, block: e.block } })
        continue
      }
      entry.count++
      if (entry.nodes.has(n.node)) entry.repeatedOnOne = true
      entry.nodes.add(n.node)
      if (time < entry.first.time) entry.first = { node: n.node, time, block: e.block }
    }
  }
  const firstPerNode: Record<string, number> = Object.fromEntries(nodes.map((n) => [n.node, 0]))
  for (const s of seen.values()) firstPerNode[s.first.node] = (firstPerNode[s.first.node] ?? 0) + 1
  const entries = [...seen.values()]
  return {
    expected: wanted.size,
    executed: seen.size,
    missing: wanted.size - seen.size,
    duplicated: entries.filter((s) => s.count > 1).length,
    duplicatedOnOneNode: entries.filter((s) => s.repeatedOnOne).length,
    onSeveralNodes: entries.filter((s) => s.nodes.size > 1).length,
    executions,
    perNode,
    firstPerNode,
    firstExecutionTimes: entries.map((s) => s.first.time).filter(Number.isFinite).sort((a, b) => a - b),
  }
}

/**
 * Cumulative first executions per whole second since `fromEpochMs`, as
 * `[seconds, count]` points (one per second that has any), for a line chart.
 */
export const cumulativeSeries = (firstTimesS: ReadonlyArray<number>, fromEpochMs: number): ReadonlyArray<readonly [number, number]> => {
  const perSecond = new Map<number, number>()
  for (const t of firstTimesS) {
    const s = Math.max(0, Math.round(t - fromEpochMs / 1000))
    perSecond.set(s, (perSecond.get(s) ?? 0) + 1)
  }
  let total = 0
  return [...perSecond.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => {
    total += n
    return [s, total] as const
  })
}

/**
 * Requests first executed per second over the phase's steady part: from the
 * first block that holds one to the last, counting that last block's second.
 */
export const onChainRate = (firstTimesS: ReadonlyArray<number>): number | null => {
  const first = firstTimesS[0]
  const last = firstTimesS[firstTimesS.length - 1]
  if (first === undefined || last === undefined) return null
  return firstTimesS.length / (last - first + 1)
}

/**
 * Requests first executed per second between the 10th and the 90th
 * percentile of first executions: the steady rate, without the start-up
 * (signing, the first block) and the tail that a short phase weighs more.
 * Null when those two fall in the same second.
 */
export const steadyRate = (firstTimesS: ReadonlyArray<number>): number | null => {
  const n = firstTimesS.length
  const lo = Math.floor(0.1 * n)
  const hi = Math.max(lo, Math.ceil(0.9 * n) - 1)
  const from = firstTimesS[lo]
  const to = firstTimesS[hi]
  if (from === undefined || to === undefined || to <= from) return null
  // Whole seconds [from, to): a block's executions share its timestamp, so count whole blocks only.
  return firstTimesS.filter((t) => t >= from && t < to).length / (to - from)
}
