/**
 * The attacker of paper B's Table 2: at each planned cut (attack-schedule.ts) it picks
 * a node (any, or the current leader's), takes the node's link down for the outage and
 * brings it back, and records what it did. A node is always restored, also when the
 * run is stopped early.
 */
import type { LabHost } from "./lab-layout.ts"
import { type AttackMode, type PlannedCut, pickTarget } from "./attack-schedule.ts"

/** One outage as it happened, in ms of run time. */
export interface Outage {
  readonly index: number
  readonly node: string
  /** The leader the poller saw when the node was picked. */
  readonly leaderAtCut: string | undefined
  /** The node whose etcd member led raft when the node was picked (etcd-leader mode only). */
  readonly etcdLeaderAtCut?: string
  readonly startMs: number
  /** When the link came back up (undefined only while the cut lasts). */
  readonly endMs: number | undefined
}

/** What the attacker needs from the rest of the bench. */
export interface AttackerDeps {
  readonly nodes: ReadonlyArray<LabHost>
  readonly cut: (host: LabHost) => void
  readonly restore: (host: LabHost) => void
  /** Reads the leader now (attack on the leader). */
  readonly leaderNow: () => Promise<string | undefined>
  /** Reads which node's etcd member leads raft now: the target in etcd-leader mode, and recorded with every cut. */
  readonly etcdLeaderNow?: () => Promise<string | undefined>
  /** Run time in ms since the load started. */
  readonly clock: () => number
  readonly random: () => number
  readonly onEvent?: (line: string) => void
}

/** A running attacker. */
export interface Attacker {
  readonly outages: () => ReadonlyArray<Outage>
  /** Resolves when the last planned cut is over. */
  readonly done: Promise<void>
  /** Stops early: restores a node that is cut and skips the rest. */
  readonly stop: () => Promise<void>
}

/** Runs `plan` in `mode`. */
export const startAttacker = (plan: ReadonlyArray<PlannedCut>, mode: AttackMode, deps: AttackerDeps): Attacker => {
  const outages: Outage[] = []
  let stopped = false
  let wake: (() => void) | undefined
  let cutNow: LabHost | undefined
  const sleepUntil = async (atMs: number) => {
    while (!stopped) {
      const left = atMs - deps.clock()
      if (left <= 0) return
      await new Promise<void>((resolve) => {
        wake = resolve
        setTimeout(resolve, Math.min(left, 1000))
      })
    }
  }
  const restoreCut = () => {
    if (cutNow === undefined) return
    deps.restore(cutNow)
    const last = outages[outages.length - 1]
    if (last !== undefined && last.endMs === undefined) outages[outages.length - 1] = { ...last, endMs: deps.clock() }
    deps.onEvent?.(`attacker: ${cutNow.name} restored`)
    cutNow = undefined
  }
  const done = (async () => {
    try {
      for (const planned of plan) {
        await sleepUntil(planned.startMs)
        if (stopped) return
        const leader = await deps.leaderNow()
        // Asked before every cut, so each outage says whether it also took etcd's raft leader (a double fault).
        const etcdLeader = await deps.etcdLeaderNow?.()
        const name = pickTarget(mode, deps.nodes.map((n) => n.name), leader, deps.random, etcdLeader)
        const host = deps.nodes.find((n) => n.name === name)
        if (host === undefined) continue
        deps.cut(host)
        cutNow = host
        const cutAt = deps.clock()
        outages.push({ index: planned.index, node: name, leaderAtCut: leader, ...(etcdLeader === undefined ? {} : { etcdLeaderAtCut: etcdLeader }), startMs: cutAt, endMs: undefined })
        const roles = [name === leader ? "the leader" : undefined, name === etcdLeader ? "etcd's raft leader" : undefined].filter((r) => r !== undefined)
        deps.onEvent?.(`attacker: cut ${name}${roles.length === 0 ? "" : ` (${roles.join(", ")})`} for ${((planned.endMs - planned.startMs) / 1000).toFixed(0)} s`)
        // The whole planned length from the cut itself: asking who leads can take a while on a loaded machine.
        await sleepUntil(Math.max(planned.endMs, cutAt + planned.endMs - planned.startMs))
        restoreCut()
      }
    } finally {
      restoreCut()
    }
  })()
  return {
    outages: () => outages,
    done,
    stop: async () => {
      stopped = true
      wake?.()
      await done
    },
  }
}
