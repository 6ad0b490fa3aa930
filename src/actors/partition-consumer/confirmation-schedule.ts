/**
 * Which pending transactions the confirmation tracker checks in a round. A transaction's
 * confirmations change only when its chain gets a block, so a record already checked at
 * the current heads is skipped until a node's head moves, or until `recheckEveryMs` has
 * passed (the Ethereum re-broadcast of dropped bytes and any head that cannot be read
 * still get their turn). Before this, every pending record cost one or two node calls
 * each second, which was most of a node-bound run's calls and took the wallet's single
 * slot from sends.
 */

/** When a record was last checked, and the heads of its chain's nodes then. */
export interface LastCheck {
  readonly heads: string
  readonly at: number
}

/**
 * A chain's heads as one comparable value: `node:head` pairs in name order. Undefined when
 * some head could not be read, which makes every record of that chain due.
 */
export const headsSignature = (heads: ReadonlyArray<readonly [string, number | undefined]>): string | undefined => {
  if (heads.length === 0 || heads.some(([, h]) => h === undefined || !Number.isFinite(h))) return undefined
  return [...heads]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([node, h]) => `${node}:${h}`)
    .join(",")
}

/** Whether a record last checked at `last` is due for a check now. */
export const isDue = (last: LastCheck | undefined, heads: string | undefined, now: number, recheckEveryMs: number): boolean =>
  last === undefined || heads === undefined || last.heads !== heads || now - last.at >= recheckEveryMs
