/**
 * The history of who led the service during a run, built from samples of its etcd
 * leader key (`<service>/Leader`: the leader's node, and its epoch = the key's create
 * revision). Pure: the poller feeds samples, the report reads changes. A leader change
 * is a new epoch; the time without a leader between two epochs is kept, so failover
 * times can be measured from it.
 */

/** One reading of the leader key; `undefined` node = no leader key (an election is under way). */
export interface LeaderSample {
  readonly atMs: number
  readonly node: string | undefined
  readonly epoch: number | undefined
}

/** A leadership seen during the run. */
export interface Leadership {
  readonly node: string
  readonly epoch: number
  /** First sample that showed it. */
  readonly fromMs: number
  /** First sample that showed another leader or none; undefined while it still leads. */
  readonly untilMs: number | undefined
}

/** The leader history so far. */
export interface LeaderLog {
  readonly leaderships: ReadonlyArray<Leadership>
  /** The latest sample (undefined before the first). */
  readonly last: LeaderSample | undefined
}

/** An empty history. */
export const emptyLeaderLog: LeaderLog = { leaderships: [], last: undefined }

/** The history after `sample` (samples must arrive in time order; an unreadable poll is not a sample). */
export const addSample = (log: LeaderLog, sample: LeaderSample): LeaderLog => {
  const current = log.leaderships[log.leaderships.length - 1]
  const open = current !== undefined && current.untilMs === undefined ? current : undefined
  const same = open !== undefined && sample.epoch === open.epoch && sample.node === open.node
  if (same) return { ...log, last: sample }
  const closed = open === undefined ? log.leaderships : [...log.leaderships.slice(0, -1), { ...open, untilMs: sample.atMs }]
  const opened =
    sample.node === undefined || sample.epoch === undefined ? closed : [...closed, { node: sample.node, epoch: sample.epoch, fromMs: sample.atMs, untilMs: undefined }]
  return { leaderships: opened, last: sample }
}

/** The leader now, per the latest sample. */
export const currentLeader = (log: LeaderLog): string | undefined => log.last?.node

/** The number of times leadership moved to a new epoch after the first leader. */
export const leaderChanges = (log: LeaderLog): number => Math.max(0, log.leaderships.length - 1)
