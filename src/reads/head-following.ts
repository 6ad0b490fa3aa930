/**
 * Whether the read front follows a chain's head right now. Following costs the chain's
 * node two calls every `head_poll_ms` (the best number, then that block, which holds every
 * transaction hash of a full block), and the head is used only to answer reads. So a chain
 * that nobody has read for `idleAfterMs` is no longer followed: its poll loop skips, and
 * the head it last saw is marked stale. The next read first reads the head once (which
 * also finds a reorg that happened meanwhile and drops what it replaced), and the loop
 * follows again. A host that only drains transfers pays nothing for its read front.
 *
 * `idleAfterMs` 0 follows always. Otherwise a host starts unfollowed: one that serves no
 * read never asks for a head, and its first read reads the head before it is answered.
 */

/** The follow-or-sleep state of one chain's head. */
export interface HeadFollowing {
  /** A client read of the chain arrived. */
  readonly noteRead: (now: number) => void
  /** Asked by the poll loop before each poll: false once no read came for `idleAfterMs`, and from then the head counts as stale. */
  readonly pollDue: (now: number) => boolean
  /** A head read succeeded: the head is current again. */
  readonly notePolled: () => void
  /** True while the loop skips: the head the watch holds may be old, so a read must read it first. */
  readonly stale: () => boolean
}

/** The state of a chain not yet read: unfollowed, unless `idleAfterMs` is 0. */
export const makeHeadFollowing = (idleAfterMs: number): HeadFollowing => {
  let lastRead = Number.NEGATIVE_INFINITY
  let stale = idleAfterMs > 0
  return {
    noteRead: (now) => {
      if (now > lastRead) lastRead = now
    },
    pollDue: (now) => {
      if (idleAfterMs <= 0 || now - lastRead < idleAfterMs) return true
      stale = true
      return false
    },
    notePolled: () => {
      stale = false
    },
    stale: () => stale,
  }
}
