/**
 * What the chain executors log: their event names, declared once. The executors run
 * inside the partition-consumer actor (their lines carry `actor: "partition-consumer"`
 * and the partition), but they sit below the actors and may not import an actor's
 * files, so their table lives here, beside them, as src/reads/events.ts does for the
 * read service. The actor's own lines are in src/actors/partition-consumer/events.ts.
 */

/** Event names the executors log. */
export const executorEvents = {
  // The partition executor (partition-executor.ts), both chains.
  /** A request was dead-lettered: it can never be carried out. */
  deadLetter: "partition-executor.dead-letter",
  /** A request a client cancelled before it was signed is recorded as skipped. */
  cancelled: "partition-executor.cancelled",
  /** A request is retried; logged on the first attempt and every fourth. */
  retrying: "partition-executor.retrying",
  /** A `sendto` message that does not decode as a request. */
  unreadable: "partition-executor.unreadable",
  /** A fetched batch started past the executor's position (fetched for a halted owner): refused, and the consumer moved back. */
  staleBatch: "partition-executor.stale-batch",
  /** The same hole in the log met again and again: the messages below the batch are gone (retention), and are skipped. */
  messagesGone: "partition-executor.messages-gone",
  /** An executor's records of a partition were read back on takeover. */
  restored: "partition-executor.restored",
  /** A mined transaction's block was reorged away; it goes back to `submitted`. */
  reorged: "partition-executor.reorged",
  /** A sent transaction the node or wallet no longer knows is sent again. */
  rebroadcast: "partition-executor.rebroadcast",

  // Ethereum (ethereum/).
  /** A zero-value self-transfer filled a nonce gap so later nonces can be mined. */
  nonceFilled: "partition-executor.nonce-filled",
  gapAdopted: "partition-executor.gap-adopted",
  untrackedAdopted: "partition-executor.untracked-adopted",
  /** A replacement would pass `[chains.ethereum].max_fee_gwei`: it waits for the base fee to fall. */
  feeCapped: "partition-executor.fee-capped",
  /** An unmined transaction was signed again at its nonce with both fees raised. */
  feeBumped: "partition-executor.fee-bumped",
  /** A cancel replaced an unmined transaction at its nonce. */
  cancelSigned: "partition-executor.cancel-signed",
  /** A request was signed again at a new nonce. */
  resigned: "partition-executor.resigned",
  /** A nonce filler was refused (no gas money, say); the tracker tries it again later. */
  fillerRefused: "partition-executor.filler-refused",
  /** The node refused a transaction; its request fails. */
  refused: "partition-executor.refused",
  /** The node refused a slot's bytes for a reason the tracker waits out (its first answer of that kind for the slot). */
  refusedForNow: "partition-executor.refused-for-now",
  /** The node mines blocks again after a stall. */
  nodeResumed: "partition-executor.node-resumed",
  /** The node holds sent transactions but mines no block. */
  nodeStalled: "partition-executor.node-stalled",
  /** An executable transaction was left out of blocks for a while; it is bumped or sent again. */
  passedOver: "partition-executor.passed-over",

  // Bitcoin (bitcoin/).
  /** An executor record whose raw transaction does not decode; it is left out on takeover. */
  unreadableRecord: "partition-executor.unreadable-record",
  /** An input of a transaction was spent by another one in a block. */
  doubleSpent: "partition-executor.double-spent",
  /** Transactions found mined by asking the wallet, that the chain watch's `listsinceblock` had not reported (yet, or at all). */
  minedUnseen: "partition-executor.mined-unseen",
  /** Change of a transaction restored on takeover was already spent in a block (by a transaction an earlier owner recorded final): it is not spent again. */
  restoredChangeSpent: "partition-executor.restored-change-spent",
  /** The wallet said it is locked: it is unlocked with the configured passphrase. */
  walletUnlock: "partition-executor.wallet-unlock",
  /** The wallet or node refused a Bitcoin transaction. */
  btcRefused: "partition-executor.btc-refused",
  /** A Bitcoin request could not be funded; it fails. */
  btcUnpaid: "partition-executor.btc-unpaid",
  /** A run of one key has gone on past `slowRunAfter` (once per run): something it waits on has not answered. */
  slowRun: "partition-executor.slow-run",
  /** A key waits for its chain to have a healthy node again (once per wait). */
  waitingForNode: "partition-executor.waiting-for-node",
} as const
