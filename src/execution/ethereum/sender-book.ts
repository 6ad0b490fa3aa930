/**
 * The nonces of the senders one partition executor signs for, and the transactions
 * that hold them. A slot is one nonce the executor owns: the request (or filler) it
 * belongs to, every version signed for it, the node it went to, and where it was mined.
 *
 * The book is rebuilt on takeover from the partition's records and the chain; while
 * the executor runs, it is the only writer. Nothing here does I/O; the lane and the
 * tracker call the node and feed the answers in.
 */
import type { Fees } from "./fee-policy.ts"

/** One signed version of a slot's transaction. */
export interface SlotVersion {
  readonly hash: string
  readonly raw: string
  readonly fees: Fees
  /** Epoch ms when it was signed. */
  readonly at: number
  /** Signed to cancel the slot's request: a zero-value self-transfer at its nonce. */
  readonly cancel?: true
}

/** Where a slot's transaction was mined. */
export interface MinedAt {
  readonly hash: string
  readonly block: number
  readonly blockHash: string
  /** False when the EVM reverted it (it still took the nonce). */
  readonly succeeded: boolean
}

/** One nonce of one sender, owned by the executor. */
export interface Slot {
  readonly sender: string
  readonly nonce: number
  /** The request id, or the filler's record id. */
  readonly owner: string
  readonly filler: boolean
  /** The client signed it (`raw` requests): it is only followed, never re-signed, bumped or filled. */
  readonly clientSigned: boolean
  /** It carries call data, so its receipt is read to learn whether the EVM reverted it. */
  readonly call: boolean
  /** Oldest first; the last is the current version. */
  readonly versions: readonly SlotVersion[]
  /** The node the slot's transactions are sent to. */
  node: string
  /** performance-independent epoch ms of the last broadcast of the current version, if any. */
  sentAt: number | undefined
  /** Set once a block holds one of the versions. */
  mined: MinedAt | undefined
  /** Set while the node refuses the slot's transaction (a filler without gas money), with why. */
  refused: string | undefined
  /**
   * True once the slot's current version is durably recorded. Nothing broadcasts a slot
   * before that: a commit still in flight may yet fail.
   */
  recorded: boolean
  /** The status last recorded for the slot's owner, so each status is written once. */
  reported: string
  /** Epoch ms of the last broadcast of any version, for paced retries of a refused slot. */
  triedAt: number | undefined
  /**
   * True from the moment a run records the slot until the node took it, or the run acted on
   * the node's other answer: the run sends it, and the tracker leaves it alone (ethereum-run.ts).
   */
  inRun?: boolean
}

/** One sender's nonces. */
export interface SenderState {
  readonly address: string
  /** The next nonce to hand out; undefined until read from the chain. */
  next: number | undefined
  /** The node the sender's transactions go to, chosen when its nonce is first read. */
  node: string | undefined
  readonly slots: Map<number, Slot>
}

/** The current version of a slot. */
export const currentVersion = (slot: Slot): SlotVersion => {
  const v = slot.versions[slot.versions.length - 1]
  if (v === undefined) throw new Error(`slot ${slot.sender}:${slot.nonce} has no version`)
  return v
}

/** The senders of one executor. */
export interface SenderBook {
  readonly get: (address: string) => SenderState
  readonly all: () => IterableIterator<SenderState>
  /** Slots not yet mined, in nonce order. */
  readonly unmined: (sender: SenderState) => Slot[]
  /** How many nonces of the sender are signed and not yet mined: the run size is bounded by this. */
  readonly inFlight: (address: string) => number
  /** Hands out the next nonce; the sender must be initialised. */
  readonly take: (sender: SenderState) => number
  readonly put: (slot: Slot) => void
  readonly drop: (sender: string, nonce: number) => void
  /** Finds the slot holding a version with this hash. */
  readonly byHash: (hash: string) => Slot | undefined
  /** The nodes some slot of the book is on (kept as slots come and go: the follower and the tracker ask several times a second, over thousands of slots in a burst). */
  readonly nodes: () => IterableIterator<string>
}

/** An empty book. */
export const makeSenderBook = (): SenderBook => {
  const senders = new Map<string, SenderState>()
  const hashes = new Map<string, Slot>()
  const slotsOnNode = new Map<string, number>()
  const count = (node: string, by: 1 | -1) => {
    const n = (slotsOnNode.get(node) ?? 0) + by
    if (n > 0) slotsOnNode.set(node, n)
    else slotsOnNode.delete(node)
  }
  const get = (address: string): SenderState => {
    let s = senders.get(address)
    if (s === undefined) {
      s = { address, next: undefined, node: undefined, slots: new Map() }
      senders.set(address, s)
    }
    return s
  }
  return {
    get,
    all: () => senders.values(),
    unmined: (sender) => [...sender.slots.values()].filter((s) => s.mined === undefined).sort((a, b) => a.nonce - b.nonce),
    inFlight: (address) => {
      const s = senders.get(address)
      if (s === undefined) return 0
      let n = 0
      for (const slot of s.slots.values()) if (slot.mined === undefined) n += 1
      return n
    },
    take: (sender) => {
      if (sender.next === undefined) throw new Error(`sender ${sender.address} used before its nonce was read`)
      const n = sender.next
      sender.next = n + 1
      return n
    },
    put: (slot) => {
      const s = get(slot.sender)
      const prior = s.slots.get(slot.nonce)
      if (prior !== undefined) {
        for (const v of prior.versions) hashes.delete(v.hash)
        count(prior.node, -1)
      }
      s.slots.set(slot.nonce, slot)
      count(slot.node, 1)
      for (const v of slot.versions) hashes.set(v.hash, slot)
    },
    drop: (sender, nonce) => {
      const s = senders.get(sender)
      const slot = s?.slots.get(nonce)
      if (s === undefined || slot === undefined) return
      for (const v of slot.versions) hashes.delete(v.hash)
      s.slots.delete(nonce)
      count(slot.node, -1)
    },
    byHash: (hash) => hashes.get(hash),
    nodes: () => slotsOnNode.keys(),
  }
}

/**
 * Where a sender's next nonce starts, from the chain and the records: above every nonce
 * the pool or the chain holds (`pendingCount`) and above every recorded slot.
 */
export const startingNonce = (pendingCount: number, slotNonces: readonly number[], highestRecorded: number | undefined): number =>
  Math.max(pendingCount, ...slotNonces.map((n) => n + 1), highestRecorded === undefined ? 0 : highestRecorded + 1)

/**
 * Nonces below `next` that nothing will ever fill: not mined (at or above `minedCount`),
 * owned by no slot, and not held by the node's pool (at or above `pendingCount`, the
 * count of mined plus contiguous pooled nonces). Left alone, each one jams every later
 * nonce of the sender; the executor fills them with zero-value self-transfers.
 */
export const unfilledNonces = (minedCount: number, pendingCount: number, next: number, owned: ReadonlySet<number>): number[] => {
  const gaps: number[] = []
  for (let n = Math.max(minedCount, pendingCount); n < next; n++) if (!owned.has(n)) gaps.push(n)
  return gaps
}

/**
 * What to do with the nonce of a transaction the node refused for good. If it is the
 * last nonce handed out and the node has nothing at it, the sender's next request takes
 * it (`reuse`); otherwise later nonces are already signed, and a filler must take it.
 */
export const afterRefusal = (nonce: number, next: number | undefined): "reuse" | "fill" => (next === nonce + 1 ? "reuse" : "fill")
