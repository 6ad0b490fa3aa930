/**
 * A watchdog for anvil's automine, which can stop including ready
 * transactions (foundry-rs/foundry#10122): the pool fills up while no block
 * takes them, and every request waits forever for a confirmation that is
 * not the gateway's to give. When the node has held pending transactions
 * for `stallMs` with no block taking any, the nudger mines one block
 * (`evm_mine`), and records that it did, so a report can say how often the
 * node itself stalled instead of counting the wait as the gateway's.
 */
import { Effect } from "effect"
import { ethereumCall, type EthereumNode } from "../../src/adapters/ethereum.ts"
import { type EthNodeState, ethNodeState } from "./workload.ts"

/** One nudge: when, and what the node looked like. */
export interface Nudge {
  readonly at: number
  readonly pending: number
  readonly secondsSinceHead: number
}

/** Pending transactions and no progress: the pool has not shrunk and the head has not taken any. */
export const looksStalled = (before: EthNodeState, now: EthNodeState): boolean =>
  (now.pending ?? 0) > 0 && (now.pending ?? 0) >= (before.pending ?? 0) && (now.head === before.head || now.headTxs === 0)

/** A running watchdog. */
export interface StallNudger {
  /** Stops watching and returns every nudge made. */
  readonly stop: () => Promise<ReadonlyArray<Nudge>>
}

/** Checks the node every `everyMs`; mines a block when it looked stalled for `stallMs` in a row. */
export const startStallNudger = (node: EthereumNode, onNudge: (n: Nudge) => void, everyMs = 1000, stallMs = 5000): StallNudger => {
  const nudges: Array<Nudge> = []
  let running = true
  const loop = async () => {
    let last: EthNodeState | undefined
    let stalledSince: number | undefined
    while (running) {
      await new Promise((done) => setTimeout(done, everyMs))
      const now = await ethNodeState(node).catch(() => undefined)
      if (now === undefined || now.pending === null) continue
      stalledSince = last !== undefined && looksStalled(last, now) ? (stalledSince ?? Date.now()) : undefined
      last = now
      if (running && stalledSince !== undefined && Date.now() - stalledSince >= stallMs) {
        await Effect.runPromise(Effect.ignore(ethereumCall(node, "evm_mine", [])))
        const nudge = { at: Date.now(), pending: now.pending, secondsSinceHead: now.secondsSinceHead }
        nudges.push(nudge)
        onNudge(nudge)
        stalledSince = undefined
        last = undefined
      }
    }
  }
  const looping = loop()
  return {
    stop: async () => {
      running = false
      await looping
      return nudges
    },
  }
}

/**
 * Waits until the node's pool is empty, mining a block (`evm_mine`) whenever a second
 * passes with pending transactions and no block taking them, at most `maxBlocks` times.
 * Run between passes, so a pass does not start against a node still busy with (or
 * wedged on) the last one's transactions: a wedged anvil spends a whole core retrying
 * its pool, which the next pass would be charged for. Gives up after `maxBlocks` blocks
 * or `maxWaitMs`, and answers what it found and did (the caller says so when the pool
 * is still not empty).
 */
export const clearPool = async (node: EthereumNode, maxBlocks = 30, everyMs = 1000, maxWaitMs = 60_000): Promise<{ readonly pendingAtStart: number; readonly minedBlocks: number; readonly pendingAtEnd: number }> => {
  const first = await ethNodeState(node).catch(() => undefined)
  const pendingAtStart = first?.pending ?? 0
  const deadline = Date.now() + maxWaitMs
  let last = first
  let minedBlocks = 0
  while ((last?.pending ?? 0) > 0 && minedBlocks < maxBlocks && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, everyMs))
    const now = await ethNodeState(node).catch(() => undefined)
    if (now === undefined) break
    if (last !== undefined && looksStalled(last, now)) {
      await Effect.runPromise(Effect.ignore(ethereumCall(node, "evm_mine", [])))
      minedBlocks += 1
    }
    last = now
  }
  return { pendingAtStart, minedBlocks, pendingAtEnd: last?.pending ?? 0 }
}
