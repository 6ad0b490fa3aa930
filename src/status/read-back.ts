/**
 * What this host committed to `sendto.results` and already applied to its store, until
 * the topic gives it back. An executor's record reaches the status view twice: applied at
 * once (so a copy of the request right behind it sees it), then read from the topic like
 * every other host's. The copy read back is the same text, and the store's rules make a
 * record applied twice change nothing, so the view neither parses nor writes it again:
 * on a consumer host that halves the store's writes for the records it makes.
 *
 * Only the last text of each id is kept, and at most `capacity` ids (the oldest go
 * first); a record not found here is simply applied, as before.
 */

/** The memo; pure data, no clock. */
export interface ReadBackMemo {
  /** Notes that `text` was applied for `id` and is on its way back. */
  readonly note: (id: string, text: string) => void
  /** True when `text` is what was last noted for `id`; the note is then forgotten. */
  readonly take: (id: string, text: string) => boolean
  /** Forgets everything (the store was emptied). */
  readonly clear: () => void
  readonly size: () => number
}

/** Ids remembered by default: many seconds of a drain's records on the way back. */
export const readBackCapacity = 20_000

/** Makes an empty memo holding at most `capacity` ids. */
export const makeReadBackMemo = (capacity: number = readBackCapacity): ReadBackMemo => {
  const texts = new Map<string, string>()
  return {
    note: (id, text) => {
      // Deleted first, so a newer note of an id moves it to the young end.
      texts.delete(id)
      texts.set(id, text)
      if (texts.size > capacity) {
        const oldest = texts.keys().next()
        if (!oldest.done) texts.delete(oldest.value)
      }
    },
    take: (id, text) => {
      if (texts.get(id) !== text) return false
      texts.delete(id)
      return true
    },
    clear: () => texts.clear(),
    size: () => texts.size,
  }
}
